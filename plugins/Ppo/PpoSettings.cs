using AlpacaFarm.Abstractions.Methods;

namespace AlpacaFarm.Plugins.Ppo;

/// <summary>PPO's hyperparameters, read once from the merged table.</summary>
public sealed record PpoSettings(
    int TotalSteps,
    int RolloutBatchSize,
    int StepBatchSize,
    int MicroBatchSize,
    int PpoEpochs,
    double LearningRate,
    double AdamEpsilon,
    int WarmupSteps,
    double KlCoefficient,
    bool AdaptiveKl,
    double KlTarget,
    double KlHorizon,
    double ClipRange,
    double ValueClipRange,
    double ValueCoefficient,
    double EntropyCoefficient,
    double Gamma,
    double Lambda,
    bool LikelihoodLogRatio,
    LikelihoodCredit LikelihoodCredit,
    bool WhitenRewards,
    double Temperature,
    int MaxNewTokens,
    int SaveEvery)
{
    /// <summary>The settings of a run, from its merged hyperparameters (already checked against the typed table).</summary>
    public static PpoSettings From(IReadOnlyDictionary<string, string> values) => new(
        values.GetInt("total_steps"), values.GetInt("rollout_batch_size"), values.GetInt("step_batch_size"), values.GetInt("micro_batch_size"),
        values.GetInt("ppo_epochs"),
        values.GetDouble("learning_rate"), values.GetDouble("adam_epsilon"), values.GetInt("warmup_steps"), values.GetDouble("kl_coef"), values.GetBool("adaptive_kl"),
        values.GetDouble("kl_target"), values.GetDouble("kl_horizon"), values.GetDouble("clip_range"), values.GetDouble("value_clip_range"),
        values.GetDouble("vf_coef"), values.GetDouble("entropy_coef"), values.GetDouble("gamma"), values.GetDouble("lambda"), values.GetBool("likelihood_log_ratio"),
        values["likelihood_credit"] switch
        {
            "tokens" => LikelihoodCredit.Tokens,
            "tokens-centred" => LikelihoodCredit.TokensCentred,
            _ => LikelihoodCredit.Last,
        },
        values.GetBool("whiten_rewards"),
        values.GetDouble("temperature"), values.GetInt("max_new_tokens"), values.GetInt("save_every"));

    /// <summary>Optimiser steps per PPO step: every epoch splits the rollouts into step batches.</summary>
    public int OptimizerStepsPerStep => PpoEpochs * (int)Math.Ceiling(RolloutBatchSize / (double)StepBatchSize);
}

/// <summary>Where PPO pays the reward model's likelihood readout (<c>likelihood_credit</c>).</summary>
public enum LikelihoodCredit
{
    /// <summary>With the head, at the last response token (AlpacaFarm's place for the whole score).</summary>
    Last,

    /// <summary>Each token its own term (<see cref="RewardShaping.CreditTokens"/>).</summary>
    Tokens,

    /// <summary>Each token its own term less the step's mean term.</summary>
    TokensCentred,
}
