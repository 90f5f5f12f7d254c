using System.Text.Json;
using AlpacaFarm.Simulation;
using AlpacaFarm.Tests.Cli;

namespace AlpacaFarm.Tests.Simulation;

/// <summary>The "done when" numbers, measured once on the calibration set.</summary>
public sealed class FarmStatsFixture
{
    public FarmStatsReport Report { get; } = FarmStats.MeasureAsync(FarmCalibration.Build(), FarmWorld.DefaultSeed).GetAwaiter().GetResult();
}

public sealed class FarmStatsTests(FarmStatsFixture fixture) : IClassFixture<FarmStatsFixture>
{
    private FarmStatsReport Report => fixture.Report;

    private FarmVariantStats Variant(string name) => Report.Variants.Single(v => v.Variant == name);

    [Fact]
    public void Human_human_agreement_is_66_plus_or_minus_3()
    {
        Assert.Equal(805 * 5, Report.Pairs);
        Assert.InRange(Report.HumanHumanAgreement, 63, 69);
    }

    [Fact]
    public void Pool_human_agreement_is_65_plus_or_minus_4()
    {
        Assert.InRange(Report.PoolHumanAgreement, 61, 69);
        Assert.Equal(13, Report.Members.Count);
        Assert.All(Report.Members, m => Assert.InRange(m.HumanAgreement, 50, 80));
    }

    [Fact]
    public void The_demonstrator_leaves_room_above_it()
    {
        var demonstrator = Variant(FarmCalibration.Demonstrator);
        Assert.InRange(demonstrator.SimulatedWinRate, 30, 45); // the paper's SFT range (FARM-WORLD property 3)
        Assert.True(demonstrator.GoldWinRate < 50);
    }

    [Fact]
    public void Padding_fools_the_pool_but_not_gold()
    {
        var (plain, padded) = (Variant(FarmCalibration.Demonstrator), Variant(FarmCalibration.Padded));
        Assert.True(padded.SimulatedWinRate > plain.SimulatedWinRate);
        Assert.True(padded.GoldWinRate < plain.GoldWinRate);
    }

    [Fact]
    public void The_pool_likes_length_more_than_gold_and_errors_and_repetition_lose()
    {
        Assert.True(Report.PoolPreferLonger > Report.GoldPreferLonger);
        Assert.True(Report.LongerPairs > 100);
        var plain = Variant(FarmCalibration.Demonstrator);
        Assert.True(Variant(FarmCalibration.Errors).GoldWinRate < plain.GoldWinRate);
        Assert.True(Variant(FarmCalibration.Repetitive).GoldWinRate < plain.GoldWinRate);
        var first = Report.Members.Single(m => m.Id == "farm-first-position");
        Assert.True(first.PreferFirst > 0.55);
        Assert.InRange(Report.Members.Single(m => m.Id == "farm-balanced").PreferFirst, 0.45, 0.55);
    }
}

public sealed class FarmCommandTests : IDisposable
{
    // A home of its own: the farm commands need no database, but the composition root may open one.
    private readonly string _home = Directory.CreateTempSubdirectory("alpacafarm-home-").FullName;

    public void Dispose() => Directory.Delete(_home, recursive: true);

    [Fact]
    public async Task Farm_generate_check_proves_the_committed_file_byte_identical()
    {
        var result = await CliRunner.RunAsync("farm", "generate", "--check", "--home", _home);
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains(FarmEvalSet.ExpectedSha256, result.Out);
        Assert.Contains("byte-identical", result.Out);
    }

    [Fact]
    public async Task Farm_generate_writes_the_file()
    {
        var path = Path.Combine(Path.GetTempPath(), $"farm-{Guid.NewGuid():N}.json");
        try
        {
            var result = await CliRunner.RunAsync("farm", "generate", "--output", path, "--home", _home);
            Assert.True(result.ExitCode == 0, result.Error);
            Assert.Equal(FarmEvalSet.ReadCommittedBytes(), File.ReadAllBytes(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Farm_stats_json_reports_the_calibration_with_sample_sizes()
    {
        var result = await CliRunner.RunAsync("farm", "stats", "--json", "--home", _home);
        Assert.True(result.ExitCode == 0, result.Error);
        var root = JsonDocument.Parse(result.Out).RootElement;
        Assert.Equal(FarmWorld.WorldVersion, root.GetProperty("world_version").GetString());
        Assert.Equal(4025, root.GetProperty("pairs").GetInt32());
        Assert.Equal(16100, root.GetProperty("human_human_votes").GetInt32());
        Assert.InRange(root.GetProperty("human_human_agreement").GetDouble(), 63, 69);
        Assert.InRange(root.GetProperty("pool_human_agreement").GetDouble(), 61, 69);
        Assert.Equal(13, root.GetProperty("members").GetArrayLength());
        Assert.Equal(5, root.GetProperty("variants").GetArrayLength());
    }
}
