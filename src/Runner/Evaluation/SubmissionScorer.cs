using AlpacaFarm.Abstractions.Preferences;
using AlpacaFarm.Evaluation.Annotators;
using AlpacaFarm.Evaluation.Outputs;
using AlpacaFarm.Evaluation.Scoring;
using AlpacaFarm.Evaluation.Sets;
using AlpacaFarm.Leaderboard;
using AlpacaFarm.Runner.Annotators;
using AlpacaFarm.Runner.Configuration;
using AlpacaFarm.Simulation;

namespace AlpacaFarm.Runner.Evaluation;

/// <summary>
/// Scores a submission's outputs on an evaluation set and stores the row on its board, in one transaction: whatever
/// produced the outputs (a file, a trained policy). On the farm's set it adds the gold win-rate.
/// </summary>
public sealed class SubmissionScorer(LeaderboardStore store)
{
    /// <param name="annotators">A pool name or file; null for the set's default.</param>
    /// <param name="provenance">Where the outputs came from; the seed and world are filled in here.</param>
    /// <param name="progress">Pairs judged so far, and the total.</param>
    public async Task<EvaluationReport> ScoreAsync(IEvaluationSet set, AlignedOutputs outputs, string? annotators, string? name, long seed, bool replace,
        SubmissionProvenance provenance, Action<int, int>? progress, CancellationToken cancellationToken)
    {
        var started = DateTimeOffset.UtcNow;
        var present = Enumerable.Range(0, set.Items.Count).Where(i => outputs.ByItem[i] is not null).ToList();
        name = ChooseName(name, present.Select(i => outputs.ByItem[i]!.Generator));
        var pool = AnnotatorPools.Resolve(annotators ?? AnnotatorPools.DefaultFor(set));
        var board = Board(set, pool);
        var content = ContentHash.Pairs(present.Select(i => (set.Items[i].Instruction, outputs.ByItem[i]!.Output)));

        if (store.FindSubmission(board.Id, name) is { } stored)
        {
            var same = stored.ContentSha256 == content && stored.Seed == seed;
            // A stored row with unjudged pairs is completed by a re-run: the judged pairs come from the cache, only the others are asked.
            // With --replace the row is stored anew even for the same outputs, so that its provenance is this run's.
            if (same && stored.Aggregate.IsComplete && !replace)
                return new EvaluationReport(board, name, SaveOutcome.Unchanged, stored.Aggregate, 0, outputs.Warnings);
            if (!same && !replace) throw new SubmissionConflictException(board.Id, name, stored.ContentSha256, stored.Seed, content, seed);
        }

        var service = new PoolPreferenceService(pool, new StoreAnnotationCache(store), seed,
            progress is null ? null : new ProgressRelay<int>(done => progress(done, present.Count)));
        var labels = await service.AnnotateAsync(
            present.Select(i => new PreferenceQuery(set.Items[i].Instruction, set.Items[i].ReferenceOutput, outputs.ByItem[i]!.Output)).ToList(),
            cancellationToken);
        var preferences = labels.Select(label => double.IsNaN(label.Preference) ? (double?)null : label.Preference).ToList();
        var card = Scorecard.Compute(preferences,
            present.Select(i => outputs.ByItem[i]!.Output).ToList(),
            present.Select(i => set.Items[i].ReferenceOutput).ToList());
        var gold = set is FarmEvalSet or FarmValidationSet
            ? FarmStats.GoldWinRate(present.Select(i => (set.Items[i].Instruction, outputs.ByItem[i]!.Output, set.Items[i].ReferenceOutput)))
            : null;
        var unjudged = preferences.Count(preference => preference is null);
        var aggregate = Aggregates.From(card, provenance.Mode, unjudged) with { GoldWinRate = gold?.WinRate, GoldStandardError = gold?.StandardError };

        var record = new EvaluationRecord(
            board, name, content, provenance with { Seed = seed, World = gold?.WorldVersion },
            present.Select(i => new SubmittedOutput(i, set.Items[i].Instruction, outputs.ByItem[i]!.Output, outputs.ByItem[i]!.Generator,
                outputs.ByItem[i]!.Dataset ?? set.Items[i].Dataset)).ToList(),
            present.Select((item, row) => new AnnotationRecord(item, set.Items[item].Instruction, preferences[row], labels[row].AnnotatorId,
                labels[row].Price, labels[row].TimeSeconds)).ToList(),
            aggregate, started, DateTimeOffset.UtcNow,
            labels.Sum(label => label.Price), labels.Sum(label => label.TimeSeconds), service.AnnotatorCalls);
        var outcome = store.Save(record, replace);
        // What is stored: the row as this run saved it, with the integrity flags the store gave it (or, unchanged, the stored row).
        var reported = store.FindSubmission(board.Id, name)!.Aggregate;
        return new EvaluationReport(board, name, outcome, reported, service.AnnotatorCalls, outputs.Warnings);
    }

    /// <summary>The row's name: the one given, else the outputs' one generator. Checked before any pair is judged.</summary>
    public static string ChooseName(string? given, IEnumerable<string> generators)
    {
        if (given is not null)
            return SubmissionName.Problem(given) is { } problem ? throw new InputValidationException($"--name {problem}") : given;
        var names = generators.Distinct(StringComparer.Ordinal).ToList();
        if (names.Count > 1)
            throw new InputValidationException(
                $"the outputs name {names.Count} generators ({string.Join(", ", names.Take(3).Select(n => $"'{n}'"))}{(names.Count > 3 ? ", …" : "")}): give the row's name with --name");
        return SubmissionName.Problem(names[0]) is { } bad
            ? throw new InputValidationException($"the outputs' generator name '{names[0]}' {bad}: give the row's name with --name")
            : names[0];
    }

    /// <summary>The board rows of <paramref name="set"/> judged by <paramref name="pool"/> go to.</summary>
    public static BoardIdentity Board(IEvaluationSet set, AnnotatorPool pool) =>
        new(set.Id, set.InstructionsSha256, set.ReferenceSha256, pool.ConfigurationHash, set.Name, set.ReferenceGenerator, pool.Name);

    /// <summary>The evaluation set a --reference value names: "farm" or a reference file.</summary>
    public static IEvaluationSet LoadSet(string reference) =>
        reference == FarmEvalSet.SetId ? FarmEvalSet.Load() : ReferenceFileSet.Load(reference);
}
