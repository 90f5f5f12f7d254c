using AlpacaFarm.Abstractions.Methods;

namespace AlpacaFarm.Plugins.Quark;

/// <summary>Quark's hyperparameters, read once from the merged table (already checked against the typed table).</summary>
/// <param name="Tokens">True for mode "tokens" (condition on the bins' tokens), false for "top-bin" (train on the best bin, no tokens).</param>
public sealed record QuarkSettings(
    bool Tokens,
    int Bins,
    int TotalSteps,
    int RolloutBatchSize,
    int StepBatchSize,
    double LearningRate,
    double AdamEpsilon,
    int WarmupSteps,
    double KlCoefficient,
    double EntropyCoefficient,
    double Temperature,
    double TopP,
    int MaxNewTokens,
    int SaveEvery)
{
    public static QuarkSettings From(IReadOnlyDictionary<string, string> values) => new(
        values["mode"] switch
        {
            "top-bin" => false,
            "tokens" => true,
            var other => throw new HyperparameterException($"unknown mode '{other}' (known: top-bin, tokens)"),
        },
        values.GetInt("num_reward_tokens"), values.GetInt("total_steps"), values.GetInt("rollout_batch_size"), values.GetInt("step_batch_size"),
        values.GetDouble("learning_rate"), values.GetDouble("adam_epsilon"), values.GetInt("warmup_steps"), values.GetDouble("kl_coef"), values.GetDouble("entropy_coef"),
        values.GetDouble("temperature"), values.GetDouble("top_p"), values.GetInt("max_new_tokens"), values.GetInt("save_every"));

    /// <summary>The control token of reward bin <paramref name="bin"/> (0 = the best).</summary>
    public static string Token(int bin) => $"<reward_{bin}>";

    /// <summary>Rollouts trained on per step: all of them in token mode, the top bin's share otherwise.</summary>
    public int TrainedPerStep => Tokens ? RolloutBatchSize : (int)Math.Ceiling(RolloutBatchSize / (double)Bins);

    /// <summary>Optimiser steps per Quark step: one pass over the trained rollouts in step batches.</summary>
    public int OptimizerStepsPerStep => (int)Math.Ceiling(TrainedPerStep / (double)StepBatchSize);
}
