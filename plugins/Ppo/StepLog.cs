using System.Globalization;

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

    public string ToCsv() => string.Join(',', new double[]
    {
        Step, Reward, RewardHead, RewardLikelihood, Kl, KlCoefficient, Entropy, PolicyLoss, ValueLoss, ClipFraction, ApproximateKl,
        ResponseLength, GenerationSeconds, ScoringSeconds, TrainingSeconds,
    }.Select(value => value.ToString("G7", CultureInfo.InvariantCulture)));

    /// <summary>What the host shows as the run goes (in this order); steps.csv keeps every column.</summary>
    public Dictionary<string, double> Metrics() => new(StringComparer.Ordinal)
    {
        ["reward"] = Reward, ["head"] = RewardHead, ["likelihood"] = RewardLikelihood, ["kl"] = Kl, ["entropy"] = Entropy,
        ["length"] = ResponseLength, ["clip"] = ClipFraction, ["s/step"] = GenerationSeconds + ScoringSeconds + TrainingSeconds,
    };
}

/// <summary>runs/KEY/steps.csv: one row per PPO step, flushed as it is written.</summary>
internal sealed class StepLog : IDisposable
{
    public const string FileName = "steps.csv";

    private readonly StreamWriter _writer;

    /// <summary>A new log, or, for a resumed run, the rows of its first <paramref name="keepThrough"/> steps and what follows.</summary>
    public StepLog(string workDirectory, int keepThrough)
    {
        Directory.CreateDirectory(workDirectory);
        var path = Path.Combine(workDirectory, FileName);
        var kept = keepThrough > 0 && File.Exists(path)
            ? File.ReadLines(path).Skip(1).Where(line => int.Parse(line.Split(',')[0], CultureInfo.InvariantCulture) <= keepThrough).ToList()
            : [];
        _writer = new StreamWriter(path, append: false) { AutoFlush = true };
        _writer.WriteLine(StepRecord.Header);
        foreach (var line in kept) _writer.WriteLine(line);
    }

    public void Write(StepRecord record) => _writer.WriteLine(record.ToCsv());

    public void Dispose() => _writer.Dispose();
}
