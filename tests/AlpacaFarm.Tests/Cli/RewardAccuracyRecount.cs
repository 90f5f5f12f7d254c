using System.Text.Json;
using AlpacaFarm.Abstractions.Artifacts;
using AlpacaFarm.Abstractions.Preferences;
using AlpacaFarm.Abstractions.Randomness;
using AlpacaFarm.Evaluation.Annotators;
using AlpacaFarm.Modeling.Checkpoints;
using AlpacaFarm.Modeling.Training;
using AlpacaFarm.Simulation;
using TorchSharp;

namespace AlpacaFarm.Tests.Cli;

/// <summary>
/// The reward model's three held-out accuracies counted again, apart from the trainer: the held-out pairs are re-chosen
/// from the preference data by the documented rule, scored by the saved reward model, and each label source is counted.
/// </summary>
internal sealed record RewardAccuracyRecount(int HeldOut, Recount Noisy, Recount Noiseless, Recount Gold)
{
    /// <summary>Differences of scores below this may come out either way when the same texts are batched differently.</summary>
    public const double Close = 1e-4;

    public static async Task<RewardAccuracyRecount> CountAsync(string artifacts, string recipe, int heldOutPairs)
    {
        var rewardFolder = Directory.GetDirectories(Path.Combine(artifacts, "rewardmodel")).Single();
        var seed = JsonDocument.Parse(File.ReadAllText(Path.Combine(rewardFolder, ArtifactCache.KeyFile))).RootElement.GetProperty("Seed").GetInt64();
        var rows = File.ReadLines(Directory.GetFiles(Path.Combine(artifacts, "preferencedata"), "pairs.jsonl", SearchOption.AllDirectories).Single())
            .Select(line => JsonDocument.Parse(line).RootElement)
            .Select(row => (Pair: new PreferenceQuery(row.GetProperty("instruction").GetString()!, row.GetProperty("output1").GetString()!,
                row.GetProperty("output2").GetString()!), Label: row.GetProperty("preference").GetDouble()))
            .ToList();

        // Whole instructions are held out: distinct ones in order of appearance, shuffled under ("reward-held-out", recipe, seed),
        // taken until they cover the recipe's count of pairs.
        var instructions = rows.Select(row => row.Pair.Instruction).Distinct(StringComparer.Ordinal).ToArray();
        KeyedRandom.Create("reward-held-out", recipe, seed).Shuffle(instructions);
        var held = new HashSet<string>(StringComparer.Ordinal);
        foreach (var instruction in instructions)
        {
            if (rows.Count(row => held.Contains(row.Pair.Instruction)) >= heldOutPairs) break;
            held.Add(instruction);
        }
        var heldOut = rows.Where(row => held.Contains(row.Pair.Instruction)).ToList();

        var margins = Margins(rewardFolder, heldOut.Select(row => row.Pair).ToList());
        var clean = await new PoolPreferenceService(FarmPool.Create(), new NoCache(), seed)
            .AnnotateAsync([.. heldOut.Select(row => row.Pair)], CancellationToken.None);
        var gold = heldOut.Select(row => Math.Sign(FarmGold.Score(row.Pair.Instruction, row.Pair.Output1) - FarmGold.Score(row.Pair.Instruction, row.Pair.Output2)))
            .Select(sign => sign > 0 ? 1.0 : sign < 0 ? 2.0 : 1.5).ToList();

        return new RewardAccuracyRecount(heldOut.Count,
            CountNoisy(heldOut.Select(row => row.Label).ToList(), margins),
            CountLabelled(clean.Select(label => label.Preference).ToList(), margins),
            CountLabelled(gold, margins));
    }

    // score(output 1) − score(output 2) per pair, in one call as the trainer's caller scores them.
    private static double[] Margins(string rewardFolder, IReadOnlyList<PreferenceQuery> pairs)
    {
        var threads = torch.get_num_threads();
        var (model, tokenizer) = Checkpoint.LoadRewardModel(ArtifactHandle.ForFolder(ArtifactKind.RewardModel, rewardFolder, RewardTrainer.CodeVersion));
        try
        {
            torch.set_num_threads(1); // as the training run (--threads 1)
            var scores = model.Score(tokenizer, [.. pairs.SelectMany(pair => new[] { (pair.Instruction, pair.Output1), (pair.Instruction, pair.Output2) })]);
            return [.. pairs.Select((_, i) => (double)scores[2 * i] - scores[2 * i + 1])];
        }
        finally
        {
            model.Dispose();
            torch.set_num_threads(threads);
        }
    }

    // Training labels: draws (1.5) left out; right when the chosen output scores strictly higher (a tie is wrong).
    private static Recount CountNoisy(IReadOnlyList<double> labels, double[] margins)
    {
        var counted = Enumerable.Range(0, labels.Count).Where(i => labels[i] != 1.5).ToList();
        return new Recount(counted.Count(i => labels[i] < 1.5 ? margins[i] > 0 : margins[i] < 0), counted.Count,
            counted.Count(i => Math.Abs(margins[i]) < Close));
    }

    // Pool and gold labels: draws and score ties left out; right when the preferred output scores higher.
    private static Recount CountLabelled(IReadOnlyList<double> labels, double[] margins)
    {
        var counted = Enumerable.Range(0, labels.Count).Where(i => labels[i] != 1.5 && margins[i] != 0).ToList();
        return new Recount(counted.Count(i => labels[i] < 1.5 == margins[i] > 0), counted.Count, counted.Count(i => Math.Abs(margins[i]) < Close));
    }

    private sealed class NoCache : IAnnotationCache
    {
        public IReadOnlyDictionary<AnnotationKey, CachedVerdict> Get(IReadOnlyCollection<AnnotationKey> keys) => new Dictionary<AnnotationKey, CachedVerdict>();

        public void Put(IReadOnlyCollection<KeyValuePair<AnnotationKey, CachedVerdict>> verdicts) { }
    }
}

/// <summary>Right answers of the counted pairs, and how many of those had scores too close to call.</summary>
internal sealed record Recount(int Right, int Counted, int TooClose)
{
    public double Accuracy => Right / (double)Counted;

    /// <summary>Whether <paramref name="reported"/> is this count, up to the too-close pairs going the other way.</summary>
    public bool Matches(double reported) => Math.Abs(reported * Counted - Right) <= TooClose + 1e-9;
}
