using System.Text.Json;
using AlpacaFarm.Modeling.Training;
using AlpacaFarm.Modeling.Transformer;
using AlpacaFarm.Simulation;

namespace AlpacaFarm.Runner.Farm;

/// <summary>
/// Everything that shapes the farm's shared models: data sizes, model shape, optimisation. Its JSON is part of every
/// artifact key, so changing any of it trains anew instead of reusing.
/// </summary>
/// <param name="HeldOutPairs">Preference pairs kept out of reward-model training to measure its accuracy.</param>
/// <param name="GenerationBatch">Prompts per generation batch (KV cache).</param>
public sealed record FarmRecipe(
    string Name,
    FarmSplitSizes Sizes,
    int Depth,
    int Width,
    int Heads,
    int MaxSequenceLength,
    TrainingOptions Sft,
    TrainingOptions Reward,
    int HeldOutPairs,
    int GenerationBatch)
{
    /// <summary>The paper's data sizes on a model that trains in minutes on 2 CPU cores.</summary>
    public static FarmRecipe Default { get; } = new("default", FarmSplitSizes.Paper, Depth: 3, Width: 192, Heads: 4, MaxSequenceLength: 96,
        Sft: new TrainingOptions(Epochs: 4, BatchSize: 32, LearningRate: 1.5e-3, ProgressEvery: 5),
        Reward: new TrainingOptions(Epochs: 1, BatchSize: 32, LearningRate: 1e-4, ProgressEvery: 5),
        HeldOutPairs: 1000, GenerationBatch: 64);

    /// <summary>
    /// The benchmark in minutes on 2 CPU cores: a smaller model on fewer SFT, preference and unlabeled examples, every
    /// method at its defaults, scored on the whole eval-805. The fastest of the sizes measured; it ranks the methods
    /// close to, not as, <see cref="Default"/> does, since PPO and Quark shorten their answers on its smaller models
    /// (docs/farm.md and the study it names).
    /// </summary>
    public static FarmRecipe Quick { get; } = new("quick", new FarmSplitSizes(Sft: 6000, Preference: 2000, Unlabeled: 1000, Validation: 200), Depth: 2, Width: 128,
        Heads: 4, MaxSequenceLength: 96,
        Sft: new TrainingOptions(Epochs: 4, BatchSize: 32, LearningRate: 2e-3, ProgressEvery: 5),
        Reward: new TrainingOptions(Epochs: 1, BatchSize: 32, LearningRate: 3e-4, ProgressEvery: 5),
        HeldOutPairs: 200, GenerationBatch: 64);

    /// <summary>A smoke run in seconds, for tests and for trying the commands.</summary>
    public static FarmRecipe Tiny { get; } = new("tiny", new FarmSplitSizes(Sft: 256, Preference: 96, Unlabeled: 64, Validation: 32), Depth: 1, Width: 32,
        Heads: 2, MaxSequenceLength: 96,
        Sft: new TrainingOptions(Epochs: 1, BatchSize: 16, LearningRate: 3e-3, ProgressEvery: 2),
        Reward: new TrainingOptions(Epochs: 1, BatchSize: 16, LearningRate: 1e-3, ProgressEvery: 2),
        HeldOutPairs: 16, GenerationBatch: 32);

    public static IReadOnlyList<string> Names => ["default", "quick", "tiny"];

    public static FarmRecipe Get(string name) => name switch
    {
        "default" => Default,
        "quick" => Quick,
        "tiny" => Tiny,
        _ => throw new ArgumentException($"unknown recipe '{name}' (known: {string.Join(", ", Names)})"),
    };

    public TransformerConfig Model(int vocabularySize) => new(vocabularySize, Depth, Width, Heads, MaxSequenceLength);

    public string ToJson() => JsonSerializer.Serialize(this);

    /// <summary>What shapes the SFT policy alone (its artifact key): tuning the reward model must not retrain it.</summary>
    public string SftJson() => JsonSerializer.Serialize(new { Sizes.Sft, Depth, Width, Heads, MaxSequenceLength, Options = Sft });
}
