using System.Diagnostics;
using AlpacaFarm.Evaluation.Outputs;
using AlpacaFarm.Evaluation.Sets;
using AlpacaFarm.Leaderboard;
using AlpacaFarm.Testing;
using AlpacaFarm.Tests.Judges;
using Microsoft.Data.Sqlite;

namespace AlpacaFarm.Tests.Cli;

/// <summary>Two real alpacafarm processes annotating into one database at once.</summary>
public sealed class ConcurrentEvaluationTests : IDisposable
{
    private readonly string _home = Directory.CreateTempSubdirectory("alpacafarm-concurrent-").FullName;

    public void Dispose() => Directory.Delete(_home, recursive: true);

    [SharedDataFact]
    public async Task Two_processes_judging_at_once_neither_lose_nor_duplicate_annotations()
    {
        // Same outputs, same seed, same judge, different names: both processes want the same cache rows, one per pair whose
        // outputs differ (identical ones are draws that ask nobody). They judge through one loopback server that answers
        // nobody until both processes' keys have asked, so both read the cache before either writes, and then write at once.
        var set = ReferenceFileSet.Load(SharedData.Reference);
        var outputs = ModelOutputsReader.ReadFor(SharedData.Path("alpaca_eval/vicuna-7b.json"), set);
        var asked = (long)Enumerable.Range(0, set.Items.Count).Count(i => outputs.ByItem[i]!.Output != set.Items[i].ReferenceOutput);
        await using var server = new LoopbackChatServer();
        server.HoldUntilKeysArrive("key-a", "key-b");
        var pool = WritePool(server);

        var (a, b) = (Run("model-a", "key-a", pool), Run("model-b", "key-b", pool));
        // A process that dies before asking would hold the other forever: release it, and let the exit codes say why.
        await Task.WhenAny(server.Released, a.Exited, b.Exited);
        server.ReleaseHold();
        var results = await Finish(a, b);

        Assert.All(results, result => Assert.True(result.ExitCode == 0, result.Error));
        Assert.Equal(["key-a", "key-b"], server.KeysInFlightAtRelease); // both processes had requests open at once
        using var connection = new SqliteConnection($"Data Source={Path.Combine(_home, LeaderboardStore.FileName)};Pooling=False");
        connection.Open();
        Assert.Equal(asked, Scalar(connection, "SELECT COUNT(*) FROM annotation_cache"));
        Assert.Equal(asked, Scalar(connection, "SELECT COUNT(DISTINCT key_sha256) FROM annotation_cache"));
        Assert.Equal(2L, Scalar(connection, "SELECT COUNT(*) FROM submissions"));
        Assert.Equal(2 * 805L, Scalar(connection, "SELECT COUNT(*) FROM annotations"));
        Assert.Equal(2 * 805L, Scalar(connection, "SELECT COUNT(*) FROM annotations WHERE preference IS NOT NULL"));
        Assert.Equal(2 * 805L, Scalar(connection, "SELECT COUNT(*) FROM outputs"));
    }

    private sealed record ChildProcess(Process Process, Task Exited, Task<CliResult> Result);

    // A guard, not a condition of success: a run that never ends fails instead of holding the test run.
    private static async Task<CliResult[]> Finish(params ChildProcess[] children)
    {
        try
        {
            return await Task.WhenAll(children.Select(child => child.Result)).WaitAsync(TimeSpan.FromMinutes(10));
        }
        catch (TimeoutException)
        {
            foreach (var child in children.Where(child => !child.Exited.IsCompleted)) child.Process.Kill(entireProcessTree: true);
            throw;
        }
    }

    // One alpacafarm process with its own key in the judge's key variable; its output is drained as it runs.
    private ChildProcess Run(string name, string key, string pool)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            ArgumentList =
            {
                Path.Combine(AppContext.BaseDirectory, "alpacafarm.dll"), "evaluate", "--home", _home, "--name", name,
                "--outputs", SharedData.Path("alpaca_eval/vicuna-7b.json"), "--reference", SharedData.Reference, "--annotators", pool,
            },
        };
        start.Environment[JudgeFixtures.KeyVariable] = key;
        var process = Process.Start(start)!;
        var (output, error) = (process.StandardOutput.ReadToEndAsync(), process.StandardError.ReadToEndAsync());
        var exited = process.WaitForExitAsync();
        return new ChildProcess(process, exited, Collect());

        async Task<CliResult> Collect()
        {
            await exited;
            using (process) return new CliResult(process.ExitCode, await output, await error);
        }
    }

    // One greedy LLM judge; the held first answers wait for the other process's start-up, hence the long timeout.
    private string WritePool(LoopbackChatServer server) =>
        JudgeFixtures.WritePool(Path.Combine(_home, "pool.json"),
            JudgeFixtures.Config(server, batch: 8, timeoutSeconds: 300, retries: 3, examples: 0) with { Id = "loopback_1", Temperature = 0, MaxTokens = 60 });

    private static long Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)command.ExecuteScalar()!;
    }
}
