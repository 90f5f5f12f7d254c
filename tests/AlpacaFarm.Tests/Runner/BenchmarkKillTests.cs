using System.Security.Cryptography;
using AlpacaFarm.Leaderboard;
using AlpacaFarm.Tests.Cli;

namespace AlpacaFarm.Tests.Runner;

/// <summary>
/// Resumable by construction: a benchmark run killed with SIGKILL during the reward model, then again during a method, and
/// run a third time, ends with the same leaderboard, artifacts and outputs as an uninterrupted run of the same command in
/// another home: no lost or doubled row, no half-written artifact where a later run would look for a whole one.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class BenchmarkKillTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("alpacafarm-kill-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static string[] Run(string home) =>
        ["run", "--home", home, "--recipe", "tiny", "--threads", "1", "--eval-split", "validation", "--methods", "dpo,binary-feedme"];

    [Fact]
    public async Task Killed_during_the_reward_model_and_during_a_method_the_same_command_finishes_with_an_uninterrupted_runs_rows()
    {
        var (whole, killed) = (Path.Combine(_root, "whole"), Path.Combine(_root, "killed"));
        using (var child = ChildCli.Start(Run(whole)))
        {
            var result = await child.ExitAsync();
            Assert.True(result.ExitCode == 0, result.Error);
        }

        // First kill: the barrier is the reward model's first training step, so its build folder is half written.
        using (var child = ChildCli.Start(Run(killed)))
        {
            await child.WaitForErrorLine(line => line.StartsWith("training the reward model ·", StringComparison.Ordinal));
            child.Signal(ChildCli.SigKill);
            Assert.Equal(128 + ChildCli.SigKill, (await child.ExitAsync()).ExitCode);
        }
        Assert.Empty(Rows(killed));
        Assert.DoesNotContain(Files(killed).Keys, file => file.StartsWith("artifacts/rewardmodel/", StringComparison.Ordinal));

        // Second kill: the barrier is DPO's first training step; the baseline row is stored by then.
        using (var child = ChildCli.Start(Run(killed)))
        {
            await child.WaitForErrorLine(line => line.StartsWith("dpo: dpo ·", StringComparison.Ordinal));
            child.Signal(ChildCli.SigKill);
            var result = await child.ExitAsync();
            Assert.Equal(128 + ChildCli.SigKill, result.ExitCode);
            // The reward model was trained again from its first step: the first kill had stopped it before it was whole.
            Assert.Contains(result.Error.Split('\n'), line => line.StartsWith("training the reward model ·", StringComparison.Ordinal));
        }
        Assert.Equal(["sft-tiny-s0"], Rows(killed).Keys);

        CliResult last;
        using (var child = ChildCli.Start(Run(killed)))
            last = await child.ExitAsync();
        Assert.True(last.ExitCode == 0, last.Error);
        var lines = last.Error.Split('\n');
        Assert.DoesNotContain(lines, line => line.StartsWith("training the reward model", StringComparison.Ordinal)); // reused, whole
        Assert.Contains(lines, line => line.StartsWith("dpo: dpo ·", StringComparison.Ordinal)); // restarted

        // Rows with every column but timing (AggregateRecord has none), artifacts and outputs byte for byte.
        var expected = Rows(whole);
        Assert.Equal(["binary-feedme-tiny-s0", "dpo-tiny-s0", "sft-tiny-s0"], expected.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(expected, Rows(killed));
        Assert.Equal(Files(whole), Files(killed));

        // Each method succeeded once; DPO's killed run is recorded as interrupted, with no row.
        using var store = LeaderboardStore.Open(Path.Combine(killed, LeaderboardStore.FileName));
        var runs = store.MethodRuns();
        Assert.Equal(1, runs.Count(run => run.Method == "binary-feedme"));
        var dpo = runs.Where(run => run.Method == "dpo").ToList(); // newest first
        Assert.Equal(2, dpo.Count);
        Assert.Equal((MethodRunStatus.Succeeded, MethodRunStatus.Interrupted), (dpo[0].Status, dpo[1].Status));
    }

    private static SortedDictionary<string, AggregateRecord> Rows(string home)
    {
        var path = Path.Combine(home, LeaderboardStore.FileName);
        if (!File.Exists(path)) return new(StringComparer.Ordinal);
        using var store = LeaderboardStore.Open(path);
        return new(store.Boards().SelectMany(board => store.Ranking(board.Identity.Id, RankingOrder.WinRate)).ToDictionary(row => row.Name, row => row.Aggregate),
            StringComparer.Ordinal);
    }

    // Every artifact and outputs file by its path under the home, with its SHA-256; build folders and locks are not artifacts.
    private static SortedDictionary<string, string> Files(string home) =>
        new(new[] { "artifacts", "outputs" }.Select(folder => Path.Combine(home, folder)).Where(Directory.Exists)
            .SelectMany(folder => Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
            .Select(file => Path.GetRelativePath(home, file).Replace('\\', '/'))
            .Where(file => !file.Contains("/.locks/", StringComparison.Ordinal) && !file.Contains("/.building/", StringComparison.Ordinal))
            .ToDictionary(file => file, file => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(home, file))))),
            StringComparer.Ordinal);
}
