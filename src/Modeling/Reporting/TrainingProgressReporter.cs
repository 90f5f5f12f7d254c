using AlpacaFarm.Abstractions.Reporting;
using AlpacaFarm.Modeling.Training;

namespace AlpacaFarm.Modeling.Reporting;

/// <summary>
/// Relays a trainer's <see cref="TrainingProgress"/> to the host through the contract's <see cref="IMethodReporter"/>,
/// as <see cref="MethodProgress"/> of one stage with the metrics <c>loss</c>, <c>learning_rate</c> and
/// <c>tokens_per_second</c>. Pass it as the <c>progress</c> of <see cref="TrainingLoop"/>'s Run or a trainer.
/// </summary>
/// <param name="reporter">The method context's reporter.</param>
/// <param name="stage">Names what is being trained (e.g. "policy", "value model").</param>
public sealed class TrainingProgressReporter(IMethodReporter reporter, string stage) : IProgress<TrainingProgress>
{
    /// <summary>The metric holding the step's loss.</summary>
    public const string LossMetric = "loss";

    /// <summary>The metric holding the step's learning rate.</summary>
    public const string LearningRateMetric = "learning_rate";

    /// <summary>The metric holding real tokens per second since training started.</summary>
    public const string TokensPerSecondMetric = "tokens_per_second";

    /// <summary>The stage every report carries.</summary>
    public string Stage { get; } = stage;

    /// <summary>
    /// Reports the step, the total and the metrics. A value that is not finite (a generation stage's NaN loss) is left
    /// out, since the contract's progress must serialise to JSON.
    /// </summary>
    public void Report(TrainingProgress value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var metrics = new Dictionary<string, double>(3, StringComparer.Ordinal);
        Add(LossMetric, value.Loss);
        Add(LearningRateMetric, value.LearningRate);
        Add(TokensPerSecondMetric, value.TokensPerSecond);
        reporter.Report(new MethodProgress(Stage, value.Step, value.TotalSteps, metrics));

        void Add(string name, double metric)
        {
            if (double.IsFinite(metric)) metrics[name] = metric;
        }
    }
}
