using System.Text.Json;
using AlpacaFarm.Evaluation.Metrics;
using AlpacaFarm.Runner.Evaluation;

namespace AlpacaFarm.Tests.Runner;

/// <summary>
/// <c>run --seeds</c>: one command runs every seed, and its closing table is the per-seed rows' statistics, recomputed here
/// from the rows the leaderboard stored.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class BenchmarkRunTests : IDisposable
{
    private readonly TinyFarmHome _home = new();

    public void Dispose() => _home.Dispose();

    private static string[] Labels => ["--methods", "test-labels", "--plugins", TinyFarmHome.Misbehaving, "--trust", "--seeds", "0,1"];

    [Fact]
    public async Task Two_seeds_give_means_with_standard_errors_across_seeds_and_the_paired_differences_to_sft()
    {
        var result = await _home.Run([.. Labels, "--format", "json"]);
        Assert.True(result.ExitCode == 0, result.Error);
        var json = JsonDocument.Parse(result.Out).RootElement;
        var summary = json.GetProperty("summary");
        Assert.Equal([0L, 1L], summary.GetProperty("seeds").EnumerateArray().Select(seed => seed.GetInt64()));

        var stored = _home.Rows();
        var rows = summary.GetProperty("rows").EnumerateArray().ToList();
        Assert.Equal(["sft", "test-labels"], rows.Select(row => row.GetProperty("variant").GetString()));
        foreach (var (row, prefix) in rows.Zip(["sft-tiny-s", "test-labels-tiny-s"]))
        {
            Assert.Equal([prefix + "0", prefix + "1"], row.GetProperty("row_names").EnumerateArray().Select(name => name.GetString()));
            // Two values: mean (a + b)/2, SE across seeds |a − b|/2.
            var (a, b) = (stored[prefix + "0"].WinRate, stored[prefix + "1"].WinRate);
            Assert.Equal((a + b) / 2, row.GetProperty("simulated").GetDouble(), 9);
            Assert.Equal(Math.Abs(a - b) / 2, row.GetProperty("simulated_se").GetDouble(), 9);
            Assert.True(row.GetProperty("se_across_seeds").GetBoolean());
            var (goldA, goldB) = (stored[prefix + "0"].GoldWinRate!.Value, stored[prefix + "1"].GoldWinRate!.Value);
            Assert.Equal((goldA + goldB) / 2, row.GetProperty("gold").GetDouble(), 9);
        }

        // The difference to SFT is the mean of each seed's paired difference (compare's numbers).
        var differences = new[] { 0, 1 }.Select(seed =>
        {
            using var store = _home.Open();
            return RowComparison.Of(store, $"test-labels-tiny-s{seed}", $"sft-tiny-s{seed}", json.GetProperty("board").GetString()!);
        }).ToList();
        var vsSft = rows[1].GetProperty("simulated_vs_sft");
        Assert.Equal(differences.Average(d => d.SimulatedDifference), vsSft.GetProperty("mean").GetDouble(), 9);
        Assert.Equal(SampleStatistics.StandardError([.. differences.Select(d => d.SimulatedDifference)]), vsSft.GetProperty("se").GetDouble(), 9);
        Assert.Equal(differences.Count(d => Math.Abs(d.SimulatedDifference) >= 2 * d.SimulatedPairedSe && d.SimulatedPairedSe > 0),
            vsSft.GetProperty("clear_2_se").GetInt32());
        Assert.Equal(JsonValueKind.Null, rows[0].GetProperty("simulated_vs_sft").ValueKind);

        // Every seed's stages, in order; the second command finds them all stored and trains nothing.
        var stages = json.GetProperty("stages").EnumerateArray().Select(stage => (stage.GetProperty("seed").GetInt64(), stage.GetProperty("stage").GetString())).ToList();
        Assert.Equal([(0L, "sft"), (0L, "pairs"), (0L, "reward-model"), (0L, "baseline"), (0L, "test-labels"),
            (1L, "sft"), (1L, "pairs"), (1L, "reward-model"), (1L, "baseline"), (1L, "test-labels")], stages);

        var again = await _home.Run([.. Labels, "--format", "csv"]);
        Assert.True(again.ExitCode == 0, again.Error);
        Assert.DoesNotContain("training", again.Error);
        var csv = again.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("method,variant,seeds,simulated,simulated_se,", csv[0]);
        Assert.Equal(3, csv.Length);
        Assert.StartsWith("SFT (baseline),sft,2,", csv[1]);

        var markdown = await _home.Run([.. Labels, "--format", "md"]);
        Assert.True(markdown.ExitCode == 0, markdown.Error);
        Assert.StartsWith("| method | seeds |", markdown.Out);
        Assert.Contains("Spearman", markdown.Out);
    }
}
