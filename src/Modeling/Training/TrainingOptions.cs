using System.Text.Json.Serialization;
using AlpacaFarm.Abstractions.Methods;
using AlpacaFarm.Modeling.Transformer;

namespace AlpacaFarm.Modeling.Training;

/// <summary>Optimisation settings shared by the trainers.</summary>
/// <param name="Epochs">Passes over the training examples.</param>
/// <param name="BatchSize">Examples per step (a reward-model example is a pair).</param>
/// <param name="LearningRate">Peak AdamW learning rate, reached after warm-up.</param>
/// <param name="WarmupFraction">Fraction of the steps spent warming up linearly from 0.</param>
/// <param name="MinLearningRateRatio">Where the cosine decay ends, as a fraction of the peak.</param>
/// <param name="WeightDecay">AdamW decoupled weight decay (matrices only; not biases, LayerNorms).</param>
/// <param name="MaxGradNorm">Global gradient-norm clipping threshold; 0 disables clipping.</param>
/// <param name="Seed">Run seed: the example order of each epoch is KeyedRandom(purpose, "epoch N", seed).</param>
/// <param name="MaxSteps">Stops after this many steps when positive.</param>
/// <param name="ProgressEvery">Reports progress every this many steps (and at the last).</param>
/// <param name="Precision">
/// The matmul number format during training: fp32 (default) or bf16 mixed precision (bf16 matmuls from fp32 master
/// weights; optimizer state, LayerNorms and the loss stay fp32). Written to JSON only when not fp32, so the artifact keys
/// of fp32 runs are what they were, and bf16 artifacts never share a key with fp32 ones.
/// </param>
public sealed record TrainingOptions(
    int Epochs = 3,
    int BatchSize = 16,
    double LearningRate = 1e-3,
    double WarmupFraction = 0.05,
    double MinLearningRateRatio = 0.1,
    double WeightDecay = 0.01,
    double MaxGradNorm = 1.0,
    long Seed = 0,
    int MaxSteps = 0,
    int ProgressEvery = 10,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] MatmulPrecision Precision = MatmulPrecision.Fp32)
{
    /// <summary>
    /// AdamW's ε, added to √v̂ in every update; null keeps TorchSharp's 1e-8. AlpacaFarm's PPO sets 1e-5, which damps the
    /// steps of parameters whose gradients are smaller than that (a parameter that sees only noise, or only rarely a
    /// gradient) instead of scaling them up to full size. Written to JSON only when set, so existing artifact keys stay.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? AdamEpsilon { get; init; }

    /// <summary>
    /// A fine-tune's settings from a method's merged hyperparameters <c>epochs</c>, <c>batch_size</c>,
    /// <c>learning_rate</c> and <c>warmup_ratio</c> (the names every supervised method's table uses), keyed by <paramref name="seed"/>.
    /// </summary>
    public static TrainingOptions FineTune(IReadOnlyDictionary<string, string> hyperparameters, long seed, int progressEvery = 5) => new(
        Epochs: hyperparameters.GetInt("epochs"), BatchSize: hyperparameters.GetInt("batch_size"),
        LearningRate: hyperparameters.GetDouble("learning_rate"), WarmupFraction: hyperparameters.GetDouble("warmup_ratio"),
        Seed: seed, ProgressEvery: progressEvery);

    /// <summary>Null when usable, else why not.</summary>
    public string? Problem() =>
        Epochs < 1 ? "epochs must be at least 1"
        : BatchSize < 1 ? "batch size must be at least 1"
        : !(LearningRate > 0) ? "learning rate must be positive"
        : WarmupFraction is < 0 or >= 1 ? "warm-up fraction must be in [0, 1)"
        : MinLearningRateRatio is < 0 or > 1 ? "minimum learning-rate ratio must be in [0, 1]"
        : WeightDecay < 0 ? "weight decay must be at least 0"
        : MaxGradNorm < 0 ? "max gradient norm must be at least 0"
        : MaxSteps < 0 ? "max steps must be at least 0"
        : ProgressEvery < 1 ? "progress interval must be at least 1"
        : !Enum.IsDefined(Precision) ? $"unknown precision {Precision}"
        : AdamEpsilon is { } epsilon && !(epsilon > 0) ? "Adam epsilon must be positive"
        : null;

    /// <summary>Number of optimiser steps for <paramref name="examples"/> training examples.</summary>
    public int TotalSteps(int examples)
    {
        var steps = Epochs * (int)Math.Ceiling(examples / (double)BatchSize);
        return MaxSteps > 0 ? Math.Min(MaxSteps, steps) : steps;
    }
}

/// <summary>Where a trainer is: for a CLI's progress display.</summary>
/// <param name="Step">Steps done (1-based).</param>
/// <param name="TotalSteps">Steps planned.</param>
/// <param name="Loss">This step's loss.</param>
/// <param name="LearningRate">The learning rate this step used.</param>
/// <param name="TokensPerSecond">Real (non-padding) tokens processed per second since training started.</param>
public sealed record TrainingProgress(int Step, int TotalSteps, double Loss, double LearningRate, double TokensPerSecond);

/// <summary>What a training run did.</summary>
/// <param name="Losses">Loss of every step.</param>
/// <param name="TokensPerSecond">Real tokens processed per second over the run.</param>
public sealed record TrainingResult(IReadOnlyList<double> Losses, double TokensPerSecond)
{
    /// <summary>Steps taken.</summary>
    public int Steps => Losses.Count;
}
