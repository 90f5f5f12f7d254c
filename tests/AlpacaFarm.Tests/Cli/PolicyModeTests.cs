using System.Text.Json;
using AlpacaFarm.Leaderboard;

namespace AlpacaFarm.Tests.Cli;

/// <summary>"verified" is for rows the platform produced from its own artifacts; a policy folder from elsewhere is "community".</summary>
[Collection(TorchCollection.Name)]
public sealed class PolicyModeTests : IDisposable
{
    private readonly string _home = Directory.CreateTempSubdirectory("alpacafarm-modes-").FullName;

    public void Dispose() => Directory.Delete(_home, recursive: true);

    [Fact]
    public async Task A_cached_policy_is_verified_and_the_same_weights_copied_elsewhere_are_community()
    {
        var sft = await CliRunner.RunAsync("sft", "--home", _home, "--recipe", "tiny", "--threads", "1");
        Assert.True(sft.ExitCode == 0, sft.Error);
        var cached = sft.Out.Split('\n').First(line => line.Contains("artifacts")).Trim();
        var copy = Path.Combine(_home, "elsewhere", "my-policy");
        Directory.CreateDirectory(copy);
        foreach (var file in Directory.GetFiles(cached)) File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));

        var own = await Evaluate(cached);
        var foreign = await Evaluate(copy);

        Assert.Equal("verified", own.Row.GetProperty("mode").GetString());
        Assert.Equal("community", foreign.Row.GetProperty("mode").GetString());
        Assert.Equal("policy", own.Provenance.Kind);
        Assert.Equal("policy", foreign.Provenance.Kind);
        Assert.Equal(own.Provenance.FileSha256, foreign.Provenance.FileSha256);
        Assert.Equal(own.Row.GetProperty("win_rate").GetDouble(), foreign.Row.GetProperty("win_rate").GetDouble()); // same weights, same seed
    }

    private async Task<(JsonElement Row, SubmissionProvenance Provenance)> Evaluate(string policy)
    {
        var result = await CliRunner.RunAsync("evaluate", "--home", _home, "--policy", policy, "--recipe", "tiny", "--threads", "1", "--json");
        Assert.True(result.ExitCode == 0, result.Error);
        var row = JsonDocument.Parse(result.Out).RootElement;
        using var store = LeaderboardStore.Open(Path.Combine(_home, LeaderboardStore.FileName));
        return (row, store.FindSubmission(row.GetProperty("board").GetString()!, row.GetProperty("name").GetString()!)!.Provenance);
    }
}
