namespace AlpacaFarm.Plugins.Ppo;

/// <summary>What one PPO step did, as a row of steps.csv and as the metrics reported to the host.</summary>
internal sealed record StepRecord(
    int Step,
    double Reward,
    double RewardHead,
    double RewardLikelihood,
    double Kl,
    double KlCoefficient,
    double Entropy,
    double PolicyLoss,
    double ValueLoss,
    double ClipFraction,
    double ApproximateKl,
    double ResponseLength,
    double GenerationSeconds,
    double ScoringSeconds,
    double TrainingSeconds)
{
    public const string Header =
        "step,reward,reward_head,reward_likelihood,kl,kl_coef,entropy,policy_loss,value_loss,clip_fraction,approx_kl,response_length," +
        "generation_seconds,scoring_seconds,training_seconds";

    /// <summary>The row of steps.csv, in <see cref="Header"/>'s order.</summary>
    public double[] Values() =>
    [
        Step, Reward, RewardHead, RewardLikelihood, Kl, KlCoefficient, Entropy, PolicyLoss, ValueLoss, ClipFraction, ApproximateKl,
        ResponseLength, GenerationSeconds, ScoringSeconds, TrainingSeconds,
    ];

    /// <summary>What the host shows as the run goes (in this order); steps.csv keeps every column.</summary>
    public Dictionary<string, double> Metrics() => new(StringComparer.Ordinal)
    {
        ["reward"] = Reward, ["head"] = RewardHead, ["likelihood"] = RewardLikelihood, ["kl"] = Kl, ["entropy"] = Entropy,
        ["length"] = ResponseLength, ["clip"] = ClipFraction, ["s/step"] = GenerationSeconds + ScoringSeconds + TrainingSeconds,
    };
}
