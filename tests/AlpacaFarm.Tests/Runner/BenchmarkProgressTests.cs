using AlpacaFarm.Runner.Benchmark;
using AlpacaFarm.Runner.Farm;
using AlpacaFarm.Runner.Methods;
using AlpacaFarm.Tests.Modeling;

namespace AlpacaFarm.Tests.Runner;

/// <summary>
/// The benchmark's overall bar: stages weighted by the home's previous times, an ETA from those still to go, and only
/// stages actually made (not found stored, not failed) written back as the next run's times.
/// </summary>
public sealed class BenchmarkProgressTests : IDisposable
{
    private readonly string _home = Directory.CreateTempSubdirectory("alpacafarm-progress-").FullName;

    public void Dispose() => Directory.Delete(_home, recursive: true);

    [Fact]
    public void The_eta_is_the_previous_times_of_the_stages_to_go_and_only_made_stages_are_recorded()
    {
        File.WriteAllText(Path.Combine(_home, StageHistory.FileName), """{ "tiny": { "sft": 10, "pairs": 20, "reward-model": 150 } }""");
        var recorder = new Recorder<TrainingStage>();
        var reports = recorder.Reports;
        var progress = new BenchmarkProgress(Plan(), [0], StageHistory.Open(_home), recorder);
        var stages = progress.ForSeed(0);

        // Weights: sft 10, pairs 20, reward model 150; baseline and test-labels have no time, so each weighs their mean, 60.
        stages.Begin("sft");
        stages.End("sft", TimeSpan.FromSeconds(3), reused: false);
        stages.Begin("pairs");
        stages.End("pairs", TimeSpan.FromSeconds(0.2), reused: true);
        stages.Begin("reward-model");
        stages.End("reward-model", TimeSpan.FromSeconds(7), reused: false, succeeded: false);
        stages.Begin("baseline");

        Assert.All(reports, report => Assert.True(report.Overall));
        Assert.Equal(
        [
            "benchmark 1/5: seed 0, sft · ETA 5 min",            // 300 s to go
            "benchmark 2/5: seed 0, pairs · ETA 4 min",          // 290 s
            "benchmark 3/5: seed 0, reward-model · ETA 4 min",   // 270 s
            "benchmark 4/5: seed 0, baseline · ETA 2 min",       // 120 s
        ], reports.Select(report => report.Stage));
        Assert.Equal([(0, 3000), (100, 3000), (300, 3000), (1800, 3000)], reports.Select(report => (report.Step, report.Total)));

        // The meter is process-wide and other tests' models may run meanwhile: its counts are tested apart (ComputeMeterTests).
        Assert.Equal([new StageTime(0, "sft", 3, false), new StageTime(0, "pairs", 0.2, true), new StageTime(0, "reward-model", 7, false, false)],
            progress.Times.Select(time => time with { InferenceTokens = 0, TrainedTokens = 0, UsefulGflop = 0 }));
        var written = StageHistory.Open(_home);
        Assert.Equal((3.0, 20.0, 150.0), (written.Seconds("tiny", "sft"), written.Seconds("tiny", "pairs"), written.Seconds("tiny", "reward-model")));
    }

    [Fact]
    public void Without_a_history_there_is_no_eta()
    {
        var recorder = new Recorder<TrainingStage>();
        new BenchmarkProgress(Plan(), [0, 1], StageHistory.Open(_home), recorder).ForSeed(1).Begin("sft");
        Assert.Equal("benchmark 6/10: seed 1, sft", Assert.Single(recorder.Reports).Stage);
    }

    // Five stages a seed: sft, pairs, reward-model, baseline and the Misbehaving plugin's test-labels.
    private static MethodRunPlan Plan() =>
        MethodRunner.Plan(new MethodRunRequest(["test-labels"], new Dictionary<string, IReadOnlyDictionary<string, string>>(), 0, "tiny",
            Compute.For("cpu", 1), PluginFolders: [TinyFarmHome.Misbehaving], Trust: true));
}
