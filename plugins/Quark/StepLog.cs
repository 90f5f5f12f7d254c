using System.Globalization;

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

    public string ToCsv() => string.Join(',', new double[] { Step, Reward, RewardHead, RewardLikelihood, TopBinReward }
        .Concat(BinLowerBounds)
        .Concat([Kl, Entropy, NegativeLogLikelihood, ResponseLength, GenerationSeconds, ScoringSeconds, TrainingSeconds])
        .Select(value => value.ToString("G7", CultureInfo.InvariantCulture)));

    /// <summary>What the host shows as the run goes; steps.csv keeps every column.</summary>
    public Dictionary<string, double> Metrics() => new(StringComparer.Ordinal)
    {
        ["reward"] = Reward, ["top bin"] = TopBinReward, ["kl"] = Kl, ["entropy"] = Entropy, ["length"] = ResponseLength,
        ["s/step"] = GenerationSeconds + ScoringSeconds + TrainingSeconds,
    };
}

/// <summary>runs/KEY/steps.csv: one row per Quark step, flushed as it is written.</summary>
internal sealed class StepLog : IDisposable
{
    public const string FileName = "steps.csv";

    private readonly StreamWriter _writer;

    public StepLog(string workDirectory, int bins)
    {
        Directory.CreateDirectory(workDirectory);
        _writer = new StreamWriter(Path.Combine(workDirectory, FileName), append: false) { AutoFlush = true };
        _writer.WriteLine(StepRecord.Header(bins));
    }

    public void Write(StepRecord record) => _writer.WriteLine(record.ToCsv());

    public void Dispose() => _writer.Dispose();
}
