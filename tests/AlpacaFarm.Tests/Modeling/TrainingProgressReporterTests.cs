using AlpacaFarm.Modeling.Reporting;
using AlpacaFarm.Modeling.Training;

namespace AlpacaFarm.Tests.Modeling;

public sealed class TrainingProgressReporterTests
{
    [Fact]
    public void Training_progress_reaches_the_method_reporter_as_a_stage_with_loss_rate_and_throughput()
    {
        var host = new RecordingReporter();
        var progress = new TrainingProgressReporter(host, "policy");

        progress.Report(new TrainingProgress(3, 10, 0.75, 2e-4, 1500));
        progress.Report(new TrainingProgress(4, 10, double.NaN, double.NaN, 12.5));

        Assert.Equal(2, host.Progress.Count);
        Assert.Equal(("policy", 3, 10), (host.Progress[0].Stage, host.Progress[0].Step, host.Progress[0].TotalSteps));
        Assert.Equal(
            new Dictionary<string, double> { ["loss"] = 0.75, ["learning_rate"] = 2e-4, ["tokens_per_second"] = 1500 },
            host.Progress[0].Metrics);
        // NaN cannot travel as JSON: a generation stage's missing loss and rate are left out.
        Assert.Equal(new Dictionary<string, double> { ["tokens_per_second"] = 12.5 }, host.Progress[1].Metrics);
    }
}
