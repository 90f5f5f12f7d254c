using System.Text.Json;
using AlpacaFarm.Simulation;
using AlpacaFarm.Tests.Cli;

namespace AlpacaFarm.Tests.Simulation;

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
