using System.Text.Json;
using AlpacaFarm.Tests.Cli;

namespace AlpacaFarm.Tests.Runner;

/// <summary>
/// The database stores paths relative to its home: a copy of a home works on its own files, and a moved home still
/// finds its runs and their artifacts.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class HomeRelocationTests : IDisposable
{
    private readonly TinyFarmHome _home = new();
    private readonly string _elsewhere = Directory.CreateTempSubdirectory("alpacafarm-relocated-").FullName;

    public void Dispose()
    {
        _home.Dispose();
        Directory.Delete(_elsewhere, recursive: true);
    }

    [Fact]
    public async Task Curves_on_a_copy_write_into_the_copy_and_a_moved_home_still_finds_its_runs_and_artifacts()
    {
        Directory.CreateDirectory(Path.Combine(_home.Path, "cache", "test-gate"));
        File.WriteAllText(Path.Combine(_home.Path, "cache", "test-gate", "open"), "");
        var made = await _home.Run("--methods", "test-gate", "--plugins", TinyFarmHome.Misbehaving, "--trust");
        Assert.True(made.ExitCode == 0, made.Error);
        var key = _home.Runs().First(run => run.Method == "test-gate").RunKey;
        var copy = Path.Combine(_elsewhere, "copy");
        CopyFolder(_home.Path, copy);

        var curves = await CliRunner.RunAsync("curves", "test-gate-tiny-s0", "--home", copy);

        Assert.True(curves.ExitCode == 0, curves.Error);
        Assert.True(File.Exists(Path.Combine(copy, "runs", key, "steps.png")));
        Assert.False(File.Exists(Path.Combine(_home.Path, "runs", key, "steps.png")), "curves on the copy wrote into the original home");
        Assert.Equal(Path.Combine(copy, "runs", key), WorkDirectory(await CliRunner.RunAsync("runs", "--home", copy, "--json"), "test-gate"));

        var moved = Path.Combine(_elsewhere, "moved");
        Directory.Move(copy, moved);
        File.Delete(Path.Combine(moved, "runs", key, "steps.png"));
        var again = await CliRunner.RunAsync("curves", "test-gate-tiny-s0", "--home", moved);

        Assert.True(again.ExitCode == 0, again.Error);
        Assert.True(File.Exists(Path.Combine(moved, "runs", key, "steps.png")));
        // test-labels (the home's first run) reported the SFT policy folder under artifacts/: it is found where the home is now.
        using var store = AlpacaFarm.Leaderboard.LeaderboardStore.Open(Path.Combine(moved, AlpacaFarm.Leaderboard.LeaderboardStore.FileName));
        var labels = store.MethodRuns().First(run => run.Method == "test-labels");
        var artifact = Assert.Single(store.MethodRunArtifacts(labels.Id));
        Assert.StartsWith(Path.Combine(moved, "artifacts") + Path.DirectorySeparatorChar, artifact.Path, StringComparison.Ordinal);
        Assert.True(Directory.Exists(artifact.Path));
    }

    private static string WorkDirectory(CliResult runs, string method)
    {
        Assert.True(runs.ExitCode == 0, runs.Error);
        return JsonDocument.Parse(runs.Out).RootElement.EnumerateArray()
            .First(run => run.GetProperty("method").GetString() == method).GetProperty("work_directory").GetString()!;
    }

    private static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var folder in Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, folder)));
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)));
    }
}
