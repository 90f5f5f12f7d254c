using System.Security.Cryptography;
using AlpacaFarm.Leaderboard;
using AlpacaFarm.Modeling.Checkpoints;
using AlpacaFarm.Tests.Cli;

namespace AlpacaFarm.Tests.Runner;

/// <summary>
/// Resumable by construction: a benchmark run killed with SIGKILL in the reward model's stage, then again inside a method,
/// and run a third time, ends with the same leaderboard, artifacts and outputs as an uninterrupted run of the same command
/// in another home: no lost or doubled row, no half-written artifact where a later run would look for a whole one. Both
/// barriers hold the child where it is until the kill: the reward model's builder lock, held by the test, and the
/// Misbehaving plugin's gate method.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class BenchmarkKillTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("alpacafarm-kill-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static string[] Run(string home) =>
        ["run", "--home", home, "--recipe", "tiny", "--threads", "1", "--eval-split", "validation", "--methods", "dpo,test-gate,binary-feedme",
            "--plugins", TinyFarmHome.Misbehaving, "--trust"];

    private static void OpenGate(string home)
    {
        Directory.CreateDirectory(Path.Combine(home, "cache", "test-gate"));
        File.WriteAllText(Path.Combine(home, "cache", "test-gate", "open"), "");
    }

    [Fact]
    public async Task Killed_in_the_reward_model_and_in_a_method_the_same_command_finishes_with_an_uninterrupted_runs_rows()
    {
        var (whole, killed) = (Path.Combine(_root, "whole"), Path.Combine(_root, "killed"));
        OpenGate(whole);
        using (var child = ChildCli.Start(Run(whole)))
        {
            var result = await child.ExitAsync();
            Assert.True(result.ExitCode == 0, result.Error);
        }

        // First kill: in the reward model's stage, waiting for its builder lock, which the test holds. The artifact's key
        // is the same in both homes (same recipe, seed, pairs and compute), so the whole run's folder names it.
        var rewardModel = Path.GetFileName(Assert.Single(Directory.EnumerateDirectories(Path.Combine(whole, "artifacts", "rewardmodel"))));
        using (var held = ExclusiveFileLock.TryAcquire(Path.Combine(killed, "artifacts", ".locks", $"rewardmodel-{rewardModel}.lock")))
        {
            Assert.NotNull(held);
            using var child = ChildCli.Start(Run(killed));
            await child.WaitForErrorLine(line => line.StartsWith("waiting for another process to finish the reward model", StringComparison.Ordinal));
            child.Signal(ChildCli.SigKill);
            Assert.Equal(128 + ChildCli.SigKill, (await child.ExitAsync()).ExitCode);
        }
        Assert.Empty(Rows(killed));
        Assert.DoesNotContain(Files(killed).Keys, file => file.StartsWith("artifacts/rewardmodel/", StringComparison.Ordinal));
        Assert.Contains(Files(killed).Keys, file => file.StartsWith("artifacts/preferencedata/", StringComparison.Ordinal));

        // Second kill: inside the gate method, after DPO's row is stored.
        using (var child = ChildCli.Start(Run(killed)))
        {
            await child.WaitForErrorLine(line => line.StartsWith("test-gate: at the gate", StringComparison.Ordinal));
            child.Signal(ChildCli.SigKill);
            var result = await child.ExitAsync();
            Assert.Equal(128 + ChildCli.SigKill, result.ExitCode);
            Assert.Contains(result.Error.Split('\n'), line => line.StartsWith("training the reward model ·", StringComparison.Ordinal));
        }
        Assert.Equal(["dpo-tiny-s0", "sft-tiny-s0"], Rows(killed).Keys);

        OpenGate(killed);
        CliResult last;
        using (var child = ChildCli.Start(Run(killed)))
            last = await child.ExitAsync();
        Assert.True(last.ExitCode == 0, last.Error);
        var lines = last.Error.Split('\n');
        Assert.DoesNotContain(lines, line => line.StartsWith("training the reward model", StringComparison.Ordinal)); // stored, whole
        Assert.DoesNotContain(lines, line => line.StartsWith("dpo: ", StringComparison.Ordinal)); // stored
        Assert.Contains(lines, line => line.StartsWith("test-gate: at the gate", StringComparison.Ordinal)); // restarted

        // Rows with every column but timing (AggregateRecord has none), artifacts and outputs byte for byte.
        var expected = Rows(whole);
        Assert.Equal(["binary-feedme-tiny-s0", "dpo-tiny-s0", "sft-tiny-s0", "test-gate-tiny-s0"], expected.Keys);
        Assert.Equal(expected, Rows(killed));
        Assert.Equal(Files(whole), Files(killed));

        // Each method succeeded once; the killed gate run is recorded as interrupted, with no row, and its restart began
        // again in the same work directory.
        using var store = LeaderboardStore.Open(Path.Combine(killed, LeaderboardStore.FileName));
        var runs = store.MethodRuns();
        Assert.Equal(1, runs.Count(run => run.Method == "dpo"));
        Assert.Equal(1, runs.Count(run => run.Method == "binary-feedme"));
        var gate = runs.Where(run => run.Method == "test-gate").ToList(); // newest first
        Assert.Equal((MethodRunStatus.Succeeded, MethodRunStatus.Interrupted), (gate[0].Status, gate[1].Status));
        Assert.Equal(["entered", "entered"], File.ReadAllLines(Path.Combine(killed, "runs", gate[0].RunKey, "entered.txt")));
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
