using AlpacaFarm.Evaluation.Metrics;
using AlpacaFarm.Leaderboard;
using AlpacaFarm.Runner.Evaluation;
using AlpacaFarm.Runner.Methods;

namespace AlpacaFarm.Runner.Benchmark;

/// <summary>
/// A mean over seeds and its standard error: across the seeds' values when there are two or more, otherwise the one
/// row's own (over instructions), as <see cref="AcrossSeeds"/> says.
/// </summary>
public sealed record SeedEstimate(double Mean, double StandardError, bool AcrossSeeds)
{
    /// <summary>The estimate of one value per seed; <paramref name="oneRowStandardError"/> is the SE a single seed's row carries.</summary>
    public static SeedEstimate Of(IReadOnlyList<double> values, double oneRowStandardError) =>
        values.Count >= 2
            ? new SeedEstimate(SampleStatistics.Mean(values), SampleStatistics.StandardError(values), true)
            : new SeedEstimate(values[0], oneRowStandardError, false);
}

/// <summary>
/// A row minus the SFT baseline of the same seed, paired instruction by instruction, averaged over seeds.
/// </summary>
/// <param name="Mean">The mean over seeds of each seed's paired difference (percentage points).</param>
/// <param name="StandardError">Across seeds with two or more; otherwise the one seed's paired SE.</param>
/// <param name="Clear">Seeds whose difference is at least 2 of its own paired SEs, in the direction of <see cref="Mean"/>.</param>
/// <param name="Seeds">Seeds compared.</param>
public sealed record SeedDifference(double Mean, double StandardError, int Clear, int Seeds)
{
    /// <summary>The difference over seeds from each seed's paired difference and paired SE; null for no seed.</summary>
    public static SeedDifference? Of(IReadOnlyList<(double Difference, double PairedSe)> seeds)
    {
        if (seeds.Count == 0) return null;
        var differences = seeds.Select(s => s.Difference).ToList();
        var mean = SampleStatistics.Mean(differences);
        var clear = seeds.Count(s => s.PairedSe > 0 && Math.Sign(s.Difference) == Math.Sign(mean) && Math.Abs(s.Difference) >= 2 * s.PairedSe);
        return new SeedDifference(mean, seeds.Count >= 2 ? SampleStatistics.StandardError(differences) : seeds[0].PairedSe, clear, seeds.Count);
    }
}

/// <summary>One row of the benchmark table: a method (or the SFT baseline) over the seeds it has a row for.</summary>
/// <param name="Variant">The method and its variant ("sft" for the baseline; "quark-hf6776f85" for a variant).</param>
/// <param name="Label">For people: "Quark (mode=tokens)".</param>
/// <param name="RowNames">The per-seed rows it summarises, in seed order.</param>
/// <param name="Wall">Mean wall time per seed of the method's runs (training and evaluation); null for the baseline.</param>
/// <param name="Paper">The paper's Table 2 row it corresponds to, if any.</param>
public sealed record BenchmarkRow(
    string Variant,
    string Label,
    IReadOnlyList<string> RowNames,
    SeedEstimate Simulated,
    SeedEstimate? Gold,
    double? LengthControlled,
    double AvgLength,
    SeedDifference? SimulatedVsSft,
    SeedDifference? GoldVsSft,
    TimeSpan? Wall,
    PaperRow? Paper);

/// <summary>A Spearman correlation and the number of rows it is over.</summary>
public sealed record RankCorrelation(double Rho, int Rows);

/// <summary>
/// The closing table of a benchmark run: per method (and the SFT baseline), the mean over seeds of simulated and gold
/// win rates, LC and length, the paired difference to SFT, wall time and the paper's numbers beside them; then how the
/// rows' simulated ranking agrees with gold and with the paper.
/// </summary>
/// <param name="SimulatedVsGold">ρ(simulated, gold) over every row with both.</param>
/// <param name="SimulatedVsPaper">ρ(farm simulated, paper simulated) over the rows the paper reports.</param>
/// <param name="GoldVsPaperHuman">ρ(farm gold, paper human) over the rows the paper has human numbers for.</param>
public sealed record BenchmarkSummary(
    string BoardId,
    string Recipe,
    IReadOnlyList<long> Seeds,
    IReadOnlyList<BenchmarkRow> Rows,
    RankCorrelation SimulatedVsGold,
    RankCorrelation SimulatedVsPaper,
    RankCorrelation GoldVsPaperHuman,
    string PaperSource)
{
    /// <summary>The table of <paramref name="reports"/> (one per seed, in seed order), for the methods of <paramref name="plan"/>.</summary>
    public static BenchmarkSummary Of(LeaderboardStore store, MethodRunPlan plan, IReadOnlyList<MethodRunReport> reports, PaperTable paper)
    {
        ArgumentNullException.ThrowIfNull(reports);
        if (reports.Count == 0) throw new ArgumentException("no seed was run");
        var board = reports[0].Board.Id;
        var sft = reports.Select(report => report.Sft).ToList();
        var rows = new List<BenchmarkRow>();
        if (Row(store, board, "sft", "SFT (baseline)", sft, sftRows: null, paper.Find("sft", new Dictionary<string, string>()), walls: false) is { } baseline)
            rows.Add(baseline);
        for (var i = 0; i < plan.Methods.Count; i++)
        {
            var method = plan.Methods[i];
            // Outcome i of a seed is method i's; a seed stopped early (time-out, Ctrl+C) has fewer.
            var outcomes = reports.Select(report => i < report.Methods.Count ? report.Methods[i] : null).ToList();
            // A submission is its submitter's code whatever id it declares: no paper row beside it.
            var paperRow = method.Submitted is null ? paper.Find(method.Id, method.NonDefault) : null;
            if (Row(store, board, method.Variant, method.Label, outcomes, sft, paperRow, walls: true) is { } row)
                rows.Add(row);
        }

        var withGold = rows.Where(row => row.Gold is not null).ToList();
        var withPaper = rows.Where(row => row.Paper is not null).ToList();
        var withHuman = rows.Where(row => row.Gold is not null && row.Paper?.Human is not null).ToList();
        return new BenchmarkSummary(board, plan.Recipe.Name, [.. reports.Select(report => report.Seed)], rows,
            Correlation(withGold, row => row.Simulated.Mean, row => row.Gold!.Mean),
            Correlation(withPaper, row => row.Simulated.Mean, row => row.Paper!.Simulated),
            Correlation(withHuman, row => row.Gold!.Mean, row => row.Paper!.Human!.Value),
            paper.Source);
    }

    private static RankCorrelation Correlation(IReadOnlyList<BenchmarkRow> rows, Func<BenchmarkRow, double> x, Func<BenchmarkRow, double> y) =>
        new(SpearmanCorrelation.Of([.. rows.Select(x)], [.. rows.Select(y)]), rows.Count);

    private static BenchmarkRow? Row(LeaderboardStore store, string board, string variant, string label, IReadOnlyList<MethodRunOutcome?> outcomes,
        IReadOnlyList<MethodRunOutcome>? sftRows, PaperRow? paper, bool walls)
    {
        var seeds = Enumerable.Range(0, outcomes.Count).Where(s => outcomes[s]?.Row is not null).ToList();
        if (seeds.Count == 0) return null;
        var aggregates = seeds.Select(s => outcomes[s]!.Row!).ToList();
        var simulated = SeedEstimate.Of([.. aggregates.Select(a => a.WinRate)], aggregates[0].StandardError);
        var gold = aggregates.All(a => a.GoldWinRate is not null)
            ? SeedEstimate.Of([.. aggregates.Select(a => a.GoldWinRate!.Value)], aggregates[0].GoldStandardError ?? double.NaN)
            : null;
        var lcs = aggregates.Where(a => a.LengthControlledWinRate is not null).Select(a => a.LengthControlledWinRate!.Value).ToList();

        SeedDifference? simulatedVsSft = null, goldVsSft = null;
        if (sftRows is not null)
        {
            var compared = seeds.Where(s => sftRows[s].Row is not null)
                .Select(s => RowComparison.Of(store, outcomes[s]!.RowName, sftRows[s].RowName, board)).ToList();
            simulatedVsSft = SeedDifference.Of([.. compared.Select(c => (c.SimulatedDifference, c.SimulatedPairedSe))]);
            if (compared.All(c => c.GoldDifference is not null))
                goldVsSft = SeedDifference.Of([.. compared.Select(c => (c.GoldDifference!.Value, c.GoldPairedSe!.Value))]);
        }

        TimeSpan? wall = null;
        if (walls)
        {
            var recorded = seeds.Select(s => store.StoredRun(outcomes[s]!.RunKey)).Where(run => run?.FinishedAt is not null)
                .Select(run => (run!.FinishedAt!.Value - run.StartedAt).TotalSeconds).ToList();
            if (recorded.Count > 0) wall = TimeSpan.FromSeconds(recorded.Average());
        }
        return new BenchmarkRow(variant, label, [.. seeds.Select(s => outcomes[s]!.RowName)], simulated, gold,
            lcs.Count == 0 ? null : lcs.Average(), aggregates.Average(a => a.AvgLength), simulatedVsSft, goldVsSft, wall, paper);
    }
}
