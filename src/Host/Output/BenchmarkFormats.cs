using System.Globalization;
using System.Text;
using AlpacaFarm.Runner.Benchmark;
using Spectre.Console;

namespace AlpacaFarm.Host.Output;

/// <summary>The benchmark's closing table as a terminal table, Markdown, CSV and JSON.</summary>
public static class BenchmarkFormats
{
    private static readonly string[] CsvColumns =
    [
        "method", "variant", "seeds", "simulated", "simulated_se", "gold", "gold_se", "se_across_seeds", "lc", "avg_length",
        "simulated_vs_sft", "simulated_vs_sft_se", "simulated_vs_sft_clear", "gold_vs_sft", "gold_vs_sft_se", "gold_vs_sft_clear",
        "wall_seconds", "paper_row", "paper_simulated", "paper_simulated_se", "paper_human", "paper_human_se",
    ];

    public static Table Table(BenchmarkSummary summary)
    {
        var table = new Table().Border(TableBorder.Rounded).AddColumns("method", "seeds", "simulated ± SE", "gold ± SE", "LC", "length",
            "Δ simulated vs SFT", "Δ gold vs SFT", "wall", "paper sim.", "paper human");
        foreach (var row in summary.Rows)
        {
            table.AddRow(Markup.Escape(row.Label), row.RowNames.Count.ToString(CultureInfo.InvariantCulture), Estimate(row.Simulated), Estimate(row.Gold),
                LeaderboardFormats.Fixed(row.LengthControlled), ((int)row.AvgLength).ToString(CultureInfo.InvariantCulture),
                Difference(row.SimulatedVsSft), Difference(row.GoldVsSft), Wall(row.Wall),
                Paper(row.Paper?.Simulated, row.Paper?.SimulatedSe), Paper(row.Paper?.Human, row.Paper?.HumanSe));
        }
        return table;
    }

    /// <summary>The lines under the table: what the SEs are, the three rank correlations and the paper's source.</summary>
    public static IEnumerable<string> Notes(BenchmarkSummary summary)
    {
        var seeds = string.Join(", ", summary.Seeds);
        yield return summary.Seeds.Count >= 2
            ? $"Recipe {summary.Recipe}, seeds {seeds}: means over seeds, ± the SE across seeds; Δ vs SFT is each seed's paired difference to its own SFT row, averaged, ± the SE across seeds, (k/n) the seeds where it clears 2 paired SE."
            : $"Recipe {summary.Recipe}, seed {seeds}: ± the SE over instructions; Δ vs SFT ± the paired SE, (k/1) whether it clears 2 paired SE. Use --seeds 0,1,2 for means over seeds.";
        yield return $"Spearman ρ(simulated, gold) = {Rho(summary.SimulatedVsGold)}; ρ(farm simulated, paper simulated) = {Rho(summary.SimulatedVsPaper)}; " +
            $"ρ(farm gold, paper human) = {Rho(summary.GoldVsPaperHuman)}.";
        yield return $"Paper: {summary.PaperSource}";
    }

    public static string Markdown(BenchmarkSummary summary)
    {
        var md = new StringBuilder();
        md.Append("| method | seeds | simulated ± SE | gold ± SE | LC | length | Δ simulated vs SFT | Δ gold vs SFT | wall | paper simulated | paper human |\n");
        md.Append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        foreach (var row in summary.Rows)
        {
            md.Append($"| {LeaderboardFormats.MarkdownText(row.Label)} | {row.RowNames.Count} | {Estimate(row.Simulated)} | {Estimate(row.Gold)} | ")
                .Append($"{LeaderboardFormats.Fixed(row.LengthControlled)} | {(int)row.AvgLength} | {Difference(row.SimulatedVsSft)} | {Difference(row.GoldVsSft)} | ")
                .Append($"{Wall(row.Wall)} | {Paper(row.Paper?.Simulated, row.Paper?.SimulatedSe)} | {Paper(row.Paper?.Human, row.Paper?.HumanSe)} |\n");
        }
        md.Append('\n');
        foreach (var note in Notes(summary)) md.Append(LeaderboardFormats.MarkdownText(note)).Append("\n\n");
        return md.ToString();
    }

    public static string Csv(BenchmarkSummary summary)
    {
        var csv = new StringBuilder(string.Join(",", CsvColumns)).Append('\n');
        foreach (var row in summary.Rows)
        {
            object?[] cells =
            [
                row.Label, row.Variant, row.RowNames.Count, Finite(row.Simulated.Mean), Finite(row.Simulated.StandardError), Finite(row.Gold?.Mean),
                Finite(row.Gold?.StandardError), row.Simulated.AcrossSeeds ? "true" : "false", Finite(row.LengthControlled), Finite(row.AvgLength),
                Finite(row.SimulatedVsSft?.Mean), Finite(row.SimulatedVsSft?.StandardError), row.SimulatedVsSft?.Clear,
                Finite(row.GoldVsSft?.Mean), Finite(row.GoldVsSft?.StandardError), row.GoldVsSft?.Clear,
                Finite(row.Wall?.TotalSeconds), row.Paper?.Paper, row.Paper?.Simulated, row.Paper?.SimulatedSe, row.Paper?.Human, row.Paper?.HumanSe,
            ];
            csv.Append(string.Join(",", cells.Select(LeaderboardFormats.CsvCell))).Append('\n');
        }
        return csv.ToString();
    }

    public static object Json(BenchmarkSummary summary) => new
    {
        board = summary.BoardId,
        recipe = summary.Recipe,
        seeds = summary.Seeds,
        rows = summary.Rows.Select(row => new
        {
            method = row.Label,
            variant = row.Variant,
            row_names = row.RowNames,
            simulated = Finite(row.Simulated.Mean),
            simulated_se = Finite(row.Simulated.StandardError),
            se_across_seeds = row.Simulated.AcrossSeeds,
            gold = Finite(row.Gold?.Mean),
            gold_se = Finite(row.Gold?.StandardError),
            lc = Finite(row.LengthControlled),
            avg_length = Finite(row.AvgLength),
            simulated_vs_sft = Json(row.SimulatedVsSft),
            gold_vs_sft = Json(row.GoldVsSft),
            wall_seconds = Finite(row.Wall?.TotalSeconds),
            paper = row.Paper is { } paper ? new { row = paper.Paper, simulated = paper.Simulated, simulated_se = paper.SimulatedSe, human = paper.Human, human_se = paper.HumanSe } : null,
        }),
        spearman = new
        {
            simulated_vs_gold = Json(summary.SimulatedVsGold),
            simulated_vs_paper_simulated = Json(summary.SimulatedVsPaper),
            gold_vs_paper_human = Json(summary.GoldVsPaperHuman),
        },
        paper_source = summary.PaperSource,
    };

    private static object? Json(SeedDifference? difference) => difference is null ? null
        : new { mean = Finite(difference.Mean), se = Finite(difference.StandardError), clear_2_se = difference.Clear, seeds = difference.Seeds };

    private static object Json(RankCorrelation correlation) => new { rho = Finite(correlation.Rho), rows = correlation.Rows };

    private static double? Finite(double? value) => value is { } v && double.IsFinite(v) ? v : null;

    private static string Estimate(SeedEstimate? estimate) =>
        estimate is null ? LeaderboardFormats.Absent : $"{LeaderboardFormats.Fixed(estimate.Mean)} ± {LeaderboardFormats.Fixed(estimate.StandardError)}";

    private static string Difference(SeedDifference? difference) =>
        difference is null ? LeaderboardFormats.Absent
        : string.Create(CultureInfo.InvariantCulture, $"{difference.Mean:+0.00;−0.00;0.00} ± {LeaderboardFormats.Fixed(difference.StandardError)} ({difference.Clear}/{difference.Seeds})");

    private static string Wall(TimeSpan? wall) => wall is { } w ? string.Create(CultureInfo.InvariantCulture, $"{w.TotalSeconds:F0} s") : LeaderboardFormats.Absent;

    private static string Paper(double? value, double? se) =>
        value is { } v ? string.Create(CultureInfo.InvariantCulture, $"{v:F1} ± {se:F1}") : LeaderboardFormats.Absent;

    private static string Rho(RankCorrelation correlation) =>
        double.IsFinite(correlation.Rho)
            ? string.Create(CultureInfo.InvariantCulture, $"{correlation.Rho:0.00} over {correlation.Rows} rows")
            : $"— ({correlation.Rows} rows)";
}
