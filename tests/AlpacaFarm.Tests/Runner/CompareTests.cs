using AlpacaFarm.Host.Cli;
using System.Text.Json;
using AlpacaFarm.Leaderboard;
using AlpacaFarm.Tests.Cli;
using AlpacaFarm.Tests.Leaderboard;

namespace AlpacaFarm.Tests.Runner;

/// <summary><c>alpacafarm compare</c>: the paired standard error of per-instruction differences.</summary>
public sealed class CompareTests : IDisposable
{
    private readonly string _home = Directory.CreateTempSubdirectory("alpacafarm-compare-").FullName;

    public void Dispose() => Directory.Delete(_home, recursive: true);

    private void Store(string name, double?[] preferences, string? content = null)
    {
        using var store = LeaderboardStore.Open(Path.Combine(_home, LeaderboardStore.FileName));
        var record = Samples.Evaluation(Samples.BoardA, name, content: content ?? name, rows: preferences.Length);
        store.Save(record with
        {
            Annotations = [.. record.Annotations.Select((annotation, i) => annotation with { Preference = preferences[i] })],
        }, replace: false);
    }

    [Fact]
    public async Task The_paired_standard_error_matches_a_hand_computation()
    {
        // Instructions 0–4; B leaves instruction 4 unjudged, so four pairs count.
        Store("a", [2, 1, 1.5, 2, 2]);
        Store("b", [1, 1, 2, 2, null]);

        var result = await CliRunner.RunAsync("compare", "a", "b", "--home", _home, "--json");

        // By hand: p − 1 gives A = (1, 0, .5, 1), B = (0, 0, 1, 1); differences d = (1, 0, −.5, 0), mean .125;
        // deviations (.875, −.125, −.625, −.125), squares sum 1.1875, variance 1.1875 / 3, SE = √(1.1875 / 3) / √4.
        Assert.True(result.ExitCode == 0, result.Error);
        var c = JsonDocument.Parse(result.Out).RootElement;
        Assert.Equal(4, c.GetProperty("pairs").GetInt32());
        Assert.Equal(62.5, c.GetProperty("simulated_a").GetDouble(), 10);
        Assert.Equal(50, c.GetProperty("simulated_b").GetDouble(), 10);
        Assert.Equal(12.5, c.GetProperty("simulated_difference").GetDouble(), 10);
        Assert.Equal(100 * Math.Sqrt(1.1875 / 3) / 2, c.GetProperty("simulated_paired_se").GetDouble(), 10);
        Assert.Equal(JsonValueKind.Null, c.GetProperty("gold_difference").ValueKind); // not a farm board
        Assert.Equal(JsonValueKind.Null, c.GetProperty("gold_paired_se").ValueKind);
    }

    [Fact]
    public async Task By_dataset_splits_the_pairs_by_the_outputs_dataset_with_hand_computed_differences_and_lengths()
    {
        // The samples alternate datasets: even rows helpful_base, odd rows koala. Outputs are "CONTENT output i".
        Store("a", [2, 1, 1.5, 2, 2]);
        Store("b", [1, 1, 2, 2, null], content: "🦙🦙");

        var result = await CliRunner.RunAsync("compare", "a", "b", "--home", _home, "--json", "--by-dataset");

        // helpful_base: rows 0 and 2, d = (1, −.5): mean .25, sample sd 1.5 / √2, SE (1.5 / √2) / √2 = .75.
        // koala: rows 1 and 3, d = (0, 0): 0 ± 0. Lengths in code points: "a output 0" 10; "🦙🦙 output 0" 11 (13 UTF-16 units).
        Assert.True(result.ExitCode == 0, result.Error);
        var rows = JsonDocument.Parse(result.Out).RootElement.GetProperty("by_dataset").EnumerateArray().ToList();
        Assert.Equal(["helpful_base", "koala"], rows.Select(r => r.GetProperty("dataset").GetString()));
        Assert.Equal([2, 2], rows.Select(r => r.GetProperty("pairs").GetInt32()));
        Assert.Equal(25, rows[0].GetProperty("simulated_difference").GetDouble(), 10);
        Assert.Equal(75, rows[0].GetProperty("simulated_paired_se").GetDouble(), 10);
        Assert.Equal(0, rows[1].GetProperty("simulated_difference").GetDouble(), 10);
        Assert.Equal(0, rows[1].GetProperty("simulated_paired_se").GetDouble(), 10);
        Assert.All(rows, r => Assert.Equal(10, r.GetProperty("avg_length_a").GetDouble(), 10));
        Assert.All(rows, r => Assert.Equal(11, r.GetProperty("avg_length_b").GetDouble(), 10));
        Assert.All(rows, r => Assert.Equal(JsonValueKind.Null, r.GetProperty("gold_difference").ValueKind));

        var plain = await CliRunner.RunAsync("compare", "a", "b", "--home", _home, "--json");
        Assert.Equal(JsonValueKind.Null, JsonDocument.Parse(plain.Out).RootElement.GetProperty("by_dataset").ValueKind);
        var table = await CliRunner.RunAsync("compare", "a", "b", "--home", _home, "--by-dataset");
        Assert.Contains("helpful_base", table.Out);
        Assert.Contains("koala", table.Out);
    }

    [Theory]
    [InlineData(-0.06, 1.60, "0.0")] // −0.0375 rounds to zero: no sign (ppo-default-s2 against sft-default-s2 printed "-+0.0")
    [InlineData(0.06, 1.60, "0.0")]
    [InlineData(2.42, 1.54, "+1.6")]
    [InlineData(-3.91, 1.36, "-2.9")]
    [InlineData(1.0, 0.0, "–")]
    public void The_ratio_column_shows_the_sign_only_when_the_rounded_ratio_has_one(double difference, double se, string expected) =>
        Assert.Equal(expected, AlpacaFarm.Host.Commands.CompareCommand.Ratio(difference, se));

    [Fact]
    public async Task Unknown_rows_are_one_line()
    {
        Store("a", [2, 1]);

        var result = await CliRunner.RunAsync("compare", "a", "missing", "--home", _home);

        Assert.Equal(CliApp.UsageError, result.ExitCode);
        Assert.Equal("error: no board holds both 'a' and 'missing'\n", result.Error);
    }
}

/// <summary>On the farm, compare adds gold; with every instruction judged in both rows the differences are those of the rows' win rates.</summary>
[Collection(TorchCollection.Name)]
public sealed class FarmCompareTests(TinyFarmHome home) : IClassFixture<TinyFarmHome>
{
    [Fact]
    public async Task Farm_differences_equal_the_differences_of_the_stored_win_rates()
    {
        var rows = home.Rows();

        var result = await CliRunner.RunAsync("compare", "test-labels-tiny-s0", "sft-tiny-s0", "--home", home.Path, "--json");

        Assert.True(result.ExitCode == 0, result.Error);
        var c = JsonDocument.Parse(result.Out).RootElement;
        var (a, b) = (rows["test-labels-tiny-s0"], rows["sft-tiny-s0"]);
        Assert.Equal(a.NTotal, c.GetProperty("pairs").GetInt32());
        Assert.Equal(a.WinRate - b.WinRate, c.GetProperty("simulated_difference").GetDouble(), 9);
        Assert.Equal(a.GoldWinRate!.Value - b.GoldWinRate!.Value, c.GetProperty("gold_difference").GetDouble(), 9);
        Assert.True(c.GetProperty("gold_paired_se").GetDouble() > 0);

        // Per family: the pairs add up, and the pair-weighted family differences are the overall differences.
        var families = JsonDocument.Parse((await CliRunner.RunAsync("compare", "test-labels-tiny-s0", "sft-tiny-s0", "--home", home.Path, "--json", "--by-dataset")).Out)
            .RootElement.GetProperty("by_dataset").EnumerateArray().ToList();
        Assert.True(families.Count > 1, "the tiny evaluation set should hold several families");
        Assert.Equal(a.NTotal, families.Sum(f => f.GetProperty("pairs").GetInt32()));
        Assert.Equal(a.WinRate - b.WinRate, families.Sum(f => f.GetProperty("pairs").GetInt32() * f.GetProperty("simulated_difference").GetDouble()) / a.NTotal, 9);
        Assert.Equal(a.GoldWinRate!.Value - b.GoldWinRate!.Value,
            families.Sum(f => f.GetProperty("pairs").GetInt32() * f.GetProperty("gold_difference").GetDouble()) / a.NTotal, 9);
    }
}
