using AlpacaFarm.Leaderboard;
using AlpacaFarm.Runner.Configuration;
using AlpacaFarm.Runner.Farm;
using AlpacaFarm.Runner.Methods;

namespace AlpacaFarm.Runner.Benchmark;

/// <summary>What a benchmark did: each seed's run, the closing table over them, and every stage's time.</summary>
public sealed record BenchmarkReport(IReadOnlyList<MethodRunReport> Seeds, BenchmarkSummary Summary, IReadOnlyList<StageTime> Stages)
{
    /// <summary>Every seed ran every planned method, and every run succeeded.</summary>
    public bool Complete(int seeds, int methods) =>
        Seeds.Count == seeds && Seeds.All(seed => seed.AllSucceeded && seed.Methods.Count == methods);
}

/// <summary>
/// Runs a plan for each seed in turn (each seed a fresh draw of the whole pipeline: SFT, pairs, reward model, methods) and
/// closes with the table over seeds. Every stage is found stored when it was made before, so running the same command
/// again after an interruption finishes what is missing and gives the same table.
/// </summary>
public sealed class BenchmarkRunner(MethodRunner runner, LeaderboardStore store, AlpacaFarmHome home)
{
    public async Task<BenchmarkReport> RunAsync(MethodRunPlan plan, IReadOnlyList<long> seeds, IProgress<TrainingStage>? progress,
        CancellationToken cancellationToken)
    {
        if (seeds.Count == 0) throw new ArgumentException("no seed given");
        // Before any work: a stored baseline of another device or thread count would refuse a later seed after hours.
        foreach (var seed in seeds) runner.RefuseBaselineOfOtherCompute(plan, seed);
        var overall = new BenchmarkProgress(plan, seeds, StageHistory.Open(home.Path), progress);
        var reports = new List<MethodRunReport>();
        foreach (var seed in seeds)
        {
            var report = await runner.RunAsync(plan with { Request = plan.Request with { Seed = seed } }, progress, cancellationToken, overall.ForSeed(seed));
            reports.Add(report);
            // A time-out or Ctrl+C stops the seed early, and with it the benchmark.
            if (report.Methods.Count < plan.Methods.Count || cancellationToken.IsCancellationRequested) break;
        }
        return new BenchmarkReport(reports, BenchmarkSummary.Of(store, plan, reports, PaperTable.Load()), overall.Times);
    }
}
