namespace AlpacaFarm.Plugins.Quark;

/// <summary>What one Quark step did, as a row of steps.csv and as the metrics reported to the host.</summary>
/// <param name="Reward">Mean proxy score of the step's rollouts (before training on them).</param>
/// <param name="TopBinReward">Mean proxy score of the best bin.</param>
/// <param name="BinLowerBounds">The lowest score of each bin, the best bin first: the bin boundaries.</param>
internal sealed record StepRecord(
    int Step,
    double Reward,
    double RewardHead,
    double RewardLikelihood,
    double TopBinReward,
    double[] BinLowerBounds,
    double Kl,
    double Entropy,
    double NegativeLogLikelihood,
    double ResponseLength,
    double GenerationSeconds,
    double ScoringSeconds,
    double TrainingSeconds)
{
    public static string Header(int bins) =>
        "step,reward,reward_head,reward_likelihood,top_bin_reward," +
        string.Join(',', Enumerable.Range(0, bins).Select(b => $"bin{b}_lower")) +
        ",kl,entropy,nll,response_length,generation_seconds,scoring_seconds,training_seconds";

    /// <summary>The row of steps.csv, in <see cref="Header"/>'s order.</summary>
    public IEnumerable<double> Values() => new double[] { Step, Reward, RewardHead, RewardLikelihood, TopBinReward }
        .Concat(BinLowerBounds)
        .Concat([Kl, Entropy, NegativeLogLikelihood, ResponseLength, GenerationSeconds, ScoringSeconds, TrainingSeconds]);

    /// <summary>What the host shows as the run goes; steps.csv keeps every column.</summary>
    public Dictionary<string, double> Metrics() => new(StringComparer.Ordinal)
    {
        ["reward"] = Reward, ["top bin"] = TopBinReward, ["kl"] = Kl, ["entropy"] = Entropy, ["length"] = ResponseLength,
        ["s/step"] = GenerationSeconds + ScoringSeconds + TrainingSeconds,
    };
}
