using AlpacaFarm.Abstractions.Preferences;
using AlpacaFarm.Evaluation.Annotators;
using AlpacaFarm.Evaluation.Outputs;
using AlpacaFarm.Evaluation.Scoring;
using AlpacaFarm.Evaluation.Sets;
using AlpacaFarm.Application.Annotators;
using AlpacaFarm.Leaderboard;
using AlpacaFarm.Simulation;
using Mediator;

namespace AlpacaFarm.Application.Evaluation;

/// <summary>Scores a model_outputs.json against a reference set with an annotator pool and stores the row.</summary>
/// <param name="Reference">A reference file in model_outputs.json format, or "farm".</param>
/// <param name="Annotators">A pool name or file; null for the set's default (farm pool on the farm, offline pool on real text).</param>
/// <param name="Name">Leaderboard name; defaults to the outputs' generator.</param>
/// <param name="Progress">Receives the number of pairs judged so far, out of <c>total</c>.</param>
public sealed record EvaluateOutputs(
    string OutputsPath,
    string Reference,
    string? Annotators,
    string? Name,
    long Seed,
    bool Replace,
    Action<int, int>? Progress = null) : ICommand<EvaluationReport>;

public sealed class EvaluateOutputsHandler(LeaderboardStore store) : ICommandHandler<EvaluateOutputs, EvaluationReport>
{
    public async ValueTask<EvaluationReport> Handle(EvaluateOutputs command, CancellationToken cancellationToken)
    {
        var started = DateTimeOffset.UtcNow;
        var set = LoadSet(command.Reference);
        var outputs = ModelOutputsReader.ReadFor(command.OutputsPath, set);
        var pool = AnnotatorPools.Resolve(command.Annotators ?? AnnotatorPools.DefaultFor(set));
        var present = Enumerable.Range(0, set.Items.Count).Where(i => outputs.ByItem[i] is not null).ToList();
        var name = command.Name ?? outputs.ByItem[present[0]]!.Generator;
        var board = new BoardIdentity(set.Id, set.InstructionsSha256, set.ReferenceSha256, pool.ConfigurationHash, set.Name, set.ReferenceGenerator, pool.Name);
        var content = ContentHash.Pairs(present.Select(i => (set.Items[i].Instruction, outputs.ByItem[i]!.Output)));

        var replace = command.Replace;
        if (store.FindSubmission(board.Id, name) is { } stored)
        {
            var same = stored.ContentSha256 == content && stored.Seed == command.Seed;
            // A stored row with pairs that failed to be judged is completed by a re-run: only those pairs are asked.
            if (same && stored.Aggregate.NTotal == present.Count)
                return new EvaluationReport(board, name, SaveOutcome.Unchanged, stored.Aggregate, 0, outputs.Warnings);
            if (!same && !replace) throw new SubmissionConflictException(board.Id, name, stored.ContentSha256, stored.Seed, content, command.Seed);
            replace = true;
        }

        var service = new PoolPreferenceService(pool, new StoreAnnotationCache(store), command.Seed,
            command.Progress is { } report ? new Progress(done => report(done, present.Count)) : null);
        var labels = await service.AnnotateAsync(
            present.Select(i => new PreferenceQuery(set.Items[i].Instruction, set.Items[i].ReferenceOutput, outputs.ByItem[i]!.Output)).ToList(),
            cancellationToken);
        var preferences = labels.Select(label => double.IsNaN(label.Preference) ? (double?)null : label.Preference).ToList();
        var card = Scorecard.Compute(preferences,
            present.Select(i => outputs.ByItem[i]!.Output).ToList(),
            present.Select(i => set.Items[i].ReferenceOutput).ToList());
        var gold = set is FarmEvalSet
            ? FarmStats.GoldWinRate(present.Select(i => (set.Items[i].Instruction, outputs.ByItem[i]!.Output, set.Items[i].ReferenceOutput)))
            : null;
        var aggregate = Aggregates.From(card, Aggregates.Community) with { GoldWinRate = gold?.WinRate, GoldStandardError = gold?.StandardError };

        var record = new EvaluationRecord(
            board, name, content,
            new SubmissionProvenance("outputs", null, null, null, ContentHash.File(command.OutputsPath),
                new Dictionary<string, string>(), new Dictionary<string, string>(), command.Seed, gold?.WorldVersion, Aggregates.Community),
            present.Select(i => new SubmittedOutput(i, set.Items[i].Instruction, outputs.ByItem[i]!.Output, outputs.ByItem[i]!.Generator,
                outputs.ByItem[i]!.Dataset ?? set.Items[i].Dataset)).ToList(),
            present.Select((item, row) => new AnnotationRecord(item, set.Items[item].Instruction, preferences[row], labels[row].AnnotatorId,
                labels[row].Price, labels[row].TimeSeconds)).ToList(),
            aggregate, started, DateTimeOffset.UtcNow,
            labels.Sum(label => label.Price), labels.Sum(label => label.TimeSeconds), service.AnnotatorCalls);
        var outcome = store.Save(record, replace);
        var failed = preferences.Count(preference => preference is null);
        var warnings = failed == 0 ? outputs.Warnings
            : [.. outputs.Warnings, $"{failed} pairs could not be judged and are left out of n_total; evaluate again to retry them (the others are cached)"];
        return new EvaluationReport(board, name, outcome, aggregate, service.AnnotatorCalls, warnings);
    }

    private static IEvaluationSet LoadSet(string reference) =>
        reference == FarmEvalSet.SetId ? FarmEvalSet.Load() : ReferenceFileSet.Load(reference);



    private sealed class Progress(Action<int> report) : IProgress<int>
    {
        public void Report(int value) => report(value);
    }
}
