using System.Diagnostics;
using System.Text.Json;
using AlpacaFarm.Abstractions.Artifacts;
using AlpacaFarm.Abstractions.Compute;
using AlpacaFarm.Abstractions.Policies;
using AlpacaFarm.Abstractions.Preferences;
using AlpacaFarm.Abstractions.Randomness;
using AlpacaFarm.Evaluation.Annotators;
using AlpacaFarm.Leaderboard;
using AlpacaFarm.Modeling.Checkpoints;
using AlpacaFarm.Modeling.Data;
using AlpacaFarm.Modeling.Generation;
using AlpacaFarm.Modeling.Runtime;
using AlpacaFarm.Modeling.Tokenization;
using AlpacaFarm.Modeling.Training;
using AlpacaFarm.Modeling.Transformer;
using AlpacaFarm.Runner.Configuration;
using AlpacaFarm.Runner.Evaluation;
using AlpacaFarm.Simulation;

namespace AlpacaFarm.Runner.Farm;

/// <summary>What training produced, or found cached.</summary>
/// <param name="Reused">True when the artifact came from the cache and nothing was trained.</param>
/// <param name="Metrics">Recorded with the artifact (losses, accuracies, tokens/s), so a reuse reports them too.</param>
public sealed record TrainedArtifact(ArtifactHandle Handle, bool Reused, TimeSpan Wall, IReadOnlyDictionary<string, double> Metrics);

/// <summary>
/// The farm's shared models, trained once and cached under the home's artifacts folder: the SFT policy (trained on
/// the demonstrator's sft split) and the proxy reward model (trained on SFT sample pairs of the preference split,
/// labelled by the training pool with 25% flips). Every artifact is keyed by world version, split, recipe, seed
/// and trainer code version, so a change in any of them trains anew.
/// </summary>
public sealed class FarmModels(AlpacaFarmHome home, LeaderboardStore store)
{
    private const string MetricsFile = "metrics.json";

    /// <summary>Reported when an artifact is built, not stored with it (see <see cref="Build"/>).</summary>
    private const string TokensPerSecond = "tokens_per_second";

    /// <summary>How held-out pairs are chosen; part of the reward model's key.</summary>
    private const string HeldOutSplit = "held-out=by-instruction";

    /// <summary>How preference pairs are drawn; part of the preference data's key.</summary>
    private const string PairSampling = "pairs=sft,temperature=1,keyed-by-row";

    /// <summary>Most new tokens of a sampled preference-pair output.</summary>
    private const int PairTokens = 48;

    private ArtifactCache Cache { get; } = new(Path.Combine(home.Path, "artifacts"));

    /// <summary>Whether the platform made this artifact: it is a folder of this home's artifact cache.</summary>
    public bool IsCachedArtifact(ArtifactHandle handle) => Cache.Holds(handle);

    public TrainedArtifact Sft(FarmRecipe recipe, long seed, ComputeResources compute, IProgress<TrainingStage>? progress, CancellationToken cancellationToken)
    {
        var key = new ArtifactKey(FarmWorld.CurrentWorld, $"sft/{recipe.Sizes.Sft}", $"{recipe.SftJson()};{compute.ResultKey}", seed, SftTrainer.CodeVersion);
        return Build(ArtifactKind.Policy, key, progress, cancellationToken, folder =>
        {
            var tokenizer = new WordTokenizer(FarmWorld.Vocabulary);
            var splits = FarmWorld.Generate(recipe.Sizes, FarmWorld.SplitSeed);
            // Initialised on the CPU from its keyed generator, then placed: the same weights on every device.
            using var model = TorchDevice.Place(
                new CausalTransformer(recipe.Model(tokenizer.VocabularySize), TorchSeeding.Generator("sft-init", recipe.Name, seed)), TorchDevice.Of(compute));
            var result = new SftTrainer(model, tokenizer, recipe.Sft with { Seed = seed, Precision = PrecisionScope.Of(compute) }).Train(
                splits.Sft.Select(demo => new SftExample(demo.Instruction, demo.Output)).ToList(),
                Stage(progress, "training SFT"), cancellationToken);
            Checkpoint.SavePolicy(model, tokenizer, folder, SftTrainer.CodeVersion);
            return new Dictionary<string, double>
            {
                ["first_loss"] = result.Losses[0], ["final_loss"] = result.Losses[^1], ["steps"] = result.Steps, [TokensPerSecond] = result.TokensPerSecond,
            };
        });
    }

    /// <summary>
    /// The shared preference data: two SFT samples per preference-split instruction, labelled by the farm's training
    /// pool (label noise p = 0.25) through the annotation cache.
    /// </summary>
    public TrainedArtifact PreferenceData(FarmRecipe recipe, long seed, ComputeResources compute, IProgress<TrainingStage>? progress, CancellationToken cancellationToken)
    {
        var sft = Sft(recipe, seed, compute, progress, cancellationToken);
        var pool = FarmPool.Create();
        var labelling = $"{PairSampling};pool={pool.ConfigurationHash};p={LabelNoise.Training.FlipProbability};sft={sft.Handle.ContentSha256}";
        // The SFT hash stands for everything upstream; the reward options are not part of it, so tuning them reuses the data.
        var key = new ArtifactKey(FarmWorld.CurrentWorld, $"preference/{recipe.Sizes.Preference}",
            $"{labelling};tokens={PairTokens};batch={recipe.GenerationBatch};{compute.ResultKey}", seed, PreferencePairs.CodeVersion);
        return Build(ArtifactKind.PreferenceData, key, progress, cancellationToken, folder =>
        {
            var instructions = FarmWorld.Generate(recipe.Sizes, FarmWorld.SplitSeed).Preference.Select(item => item.Instruction).ToList();
            var outputs = SamplePairs(sft.Handle, instructions, recipe, seed, compute, Stage(progress, "sampling pairs from SFT"), cancellationToken);
            var pairs = instructions.Select((instruction, i) => new PreferenceQuery(instruction, outputs[2 * i], outputs[2 * i + 1])).ToList();
            progress?.Report(new TrainingStage("labelling pairs (training pool, 25% flips)", 0, pairs.Count));
            var service = new PoolPreferenceService(pool, new StoreAnnotationCache(store), seed, noise: LabelNoise.Training);
            var rows = PreferenceLabelling.LabelAsync(pairs, service, cancellationToken).GetAwaiter().GetResult();
            PreferencePairs.Write(folder, rows, labelling);
            return new Dictionary<string, double> { ["pairs"] = rows.Count, ["annotator_calls"] = service.AnnotatorCalls };
        });
    }

    /// <summary>
    /// Two SFT samples per preference-split row, at temperature 1 for diverse pairs, keyed by row: the split repeats
    /// instructions, and each repeat is a fresh draw (as each human-written instruction is in AlpacaFarm). The token cap
    /// stops the few rambling samples from holding up their batch (the world's answers are far shorter).
    /// </summary>
    private static string[] SamplePairs(ArtifactHandle sft, IReadOnlyList<string> instructions, FarmRecipe recipe, long seed, ComputeResources compute,
        IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
    {
        var (model, tokenizer) = Checkpoint.LoadPolicy(sft, TorchDevice.Of(compute));
        using var policy = model;
        var sampler = new Sampler(policy, tokenizer);
        var options = new SamplingOptions(1.0, 1.0, PairTokens, seed, recipe.GenerationBatch);
        var outputs = new string[2 * instructions.Count];
        var clock = Stopwatch.StartNew();
        foreach (var rows in Enumerable.Range(0, outputs.Length).Chunk(recipe.GenerationBatch * 4))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var generated = sampler.Generate([.. rows.Select(i => (IReadOnlyList<int>)PromptFormat.Prompt(tokenizer, instructions[i / 2]))],
                [.. rows.Select(i => $"preference/{i / 2}/{i % 2}")], options, cancellationToken);
            for (var j = 0; j < rows.Length; j++) outputs[rows[j]] = tokenizer.Decode(PromptFormat.UntilEos(tokenizer, generated[j]));
            progress?.Report(new TrainingProgress(rows[^1] + 1, outputs.Length, double.NaN, double.NaN, (rows[^1] + 1) / Math.Max(1e-9, clock.Elapsed.TotalSeconds)));
        }
        return outputs;
    }

    /// <summary>The proxy reward model: the SFT backbone plus a scalar head, trained on the shared preference data.</summary>
    public TrainedArtifact RewardModel(FarmRecipe recipe, long seed, ComputeResources compute, IProgress<TrainingStage>? progress, CancellationToken cancellationToken)
    {
        var sft = Sft(recipe, seed, compute, progress, cancellationToken);
        var data = PreferenceData(recipe, seed, compute, progress, cancellationToken);
        var key = new ArtifactKey(FarmWorld.CurrentWorld, $"reward/{recipe.Sizes.Preference}",
            recipe.ToJson() + $"sft={sft.Handle.ContentSha256};data={data.Handle.ContentSha256};{HeldOutSplit};{compute.ResultKey}", seed, RewardTrainer.CodeVersion);
        return Build(ArtifactKind.RewardModel, key, progress, cancellationToken, folder =>
        {
            var device = TorchDevice.Of(compute);
            var (train, heldOut) = PreferencePairs.SplitByInstruction(PreferencePairs.Read(data.Handle), recipe.HeldOutPairs, KeyedRandom.Create("reward-held-out", recipe.Name, seed));
            var (policy, tokenizer) = Checkpoint.LoadPolicy(sft.Handle, device);
            using var backbone = policy;
            using var model = TorchDevice.Place(new RewardModel(policy.Config, TorchSeeding.Generator("reward-init", recipe.Name, seed)), device);
            model.CopyBackboneFrom(backbone);
            var trainer = new RewardTrainer(model, tokenizer, recipe.Reward with { Seed = seed, Precision = PrecisionScope.Of(compute) });
            var result = trainer.Train(PreferencePairs.Examples(train), PreferencePairs.Examples(heldOut), Stage(progress, "training the reward model"), cancellationToken);
            Checkpoint.SaveRewardModel(model, tokenizer, folder, RewardTrainer.CodeVersion);

            // Accuracy on the noisy training labels (what it was trained toward), on the pool's noiseless labels and on gold.
            progress?.Report(new TrainingStage("measuring held-out accuracy", 0, heldOut.Count));
            var clean = new PoolPreferenceService(FarmPool.Create(), new StoreAnnotationCache(store), seed)
                .AnnotateAsync([.. heldOut.Select(row => new PreferenceQuery(row.Instruction, row.Output1, row.Output2))], cancellationToken)
                .GetAwaiter().GetResult();
            var scores = model.Score(tokenizer, [.. heldOut.SelectMany(row => new[] { (row.Instruction, row.Output1), (row.Instruction, row.Output2) })]);
            double Agreement(Func<int, double> preference) => Enumerable.Range(0, heldOut.Count)
                .Where(i => preference(i) != 1.5 && scores[2 * i] != scores[2 * i + 1])
                .Average(i => (preference(i) < 1.5) == (scores[2 * i] > scores[2 * i + 1]) ? 1.0 : 0.0);
            return new Dictionary<string, double>
            {
                ["held_out_pairs"] = heldOut.Count,
                ["accuracy_noisy_labels"] = result.HeldOutAccuracy,
                ["accuracy_noiseless_pool"] = Agreement(i => clean[i].Preference),
                ["accuracy_gold"] = Agreement(i =>
                {
                    var (a, b) = (FarmGold.Score(heldOut[i].Instruction, heldOut[i].Output1), FarmGold.Score(heldOut[i].Instruction, heldOut[i].Output2));
                    return a > b ? 1 : a < b ? 2 : 1.5;
                }),
                ["final_loss"] = result.Training.Losses[^1],
                [TokensPerSecond] = result.Training.TokensPerSecond,
            };
        });
    }

    /// <summary>Outputs of a policy for the prompts, in order, in batches that report progress.</summary>
    public static IReadOnlyList<string> Generate(IPolicy policy, IReadOnlyList<string> prompts, DecodingOptions decoding, int batch,
        IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
    {
        var outputs = new List<string>(prompts.Count);
        var clock = Stopwatch.StartNew();
        foreach (var chunk in prompts.Chunk(batch * 4))
        {
            cancellationToken.ThrowIfCancellationRequested();
            outputs.AddRange(policy.GenerateAsync(new GenerationRequest(chunk, decoding), cancellationToken).GetAwaiter().GetResult().Outputs);
            progress?.Report(new TrainingProgress(outputs.Count, prompts.Count, double.NaN, double.NaN, outputs.Count / Math.Max(1e-9, clock.Elapsed.TotalSeconds)));
        }
        return outputs;
    }

    /// <summary>The cached artifact, or the one <paramref name="create"/> builds; while another process builds it, says so and waits.</summary>
    private TrainedArtifact Build(ArtifactKind kind, ArtifactKey key, IProgress<TrainingStage>? progress, CancellationToken cancellationToken,
        Func<string, Dictionary<string, double>> create)
    {
        var clock = Stopwatch.StartNew();
        if (Cache.TryGet(kind, key) is { } cached) return new TrainedArtifact(cached, true, TimeSpan.Zero, ReadMetrics(cached.Path));
        Dictionary<string, double>? made = null;
        // Timings differ from run to run; stored, they would give the same weights a different content hash, and every
        // artifact keyed on that hash (preference data, reward model) would be rebuilt instead of found.
        var handle = Cache.GetOrCreate(kind, key, folder =>
            {
                made = create(folder);
                File.WriteAllText(Path.Combine(folder, MetricsFile), JsonSerializer.Serialize(made.Where(metric => metric.Key != TokensPerSecond).ToDictionary()));
            },
            () => progress?.Report(new TrainingStage($"waiting for another process to finish the {Describe(kind)}", 0, 0)),
            cancellationToken);
        return new TrainedArtifact(handle, made is null, made is null ? TimeSpan.Zero : clock.Elapsed, made ?? ReadMetrics(handle.Path));
    }

    private static string Describe(ArtifactKind kind) => kind switch
    {
        ArtifactKind.Policy => "SFT policy",
        ArtifactKind.PreferenceData => "preference pairs",
        ArtifactKind.RewardModel => "reward model",
        _ => kind.ToString(),
    };

    private static Dictionary<string, double> ReadMetrics(string folder) =>
        JsonSerializer.Deserialize<Dictionary<string, double>>(File.ReadAllText(Path.Combine(folder, MetricsFile)))!;

    /// <summary>Training or generation progress, labelled with its stage.</summary>
    public static IProgress<TrainingProgress>? Stage(IProgress<TrainingStage>? progress, string stage) =>
        progress is null ? null : new ProgressRelay<TrainingProgress>(update => progress.Report(new TrainingStage(stage, update.Step, update.TotalSteps, update)));
}
