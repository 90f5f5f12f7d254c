using System.Diagnostics;
using AlpacaFarm.Evaluation.Outputs;
using AlpacaFarm.Evaluation.Sets;
using AlpacaFarm.Leaderboard;
using Microsoft.Data.Sqlite;

namespace AlpacaFarm.Tests.Cli;

/// <summary>Two real alpacafarm processes annotating into one database at once.</summary>
public sealed class ConcurrentEvaluationTests : IDisposable
{
    private readonly string _home = Directory.CreateTempSubdirectory("alpacafarm-concurrent-").FullName;

    public void Dispose() => Directory.Delete(_home, recursive: true);

    [SharedDataFact]
    public async Task Two_processes_neither_lose_nor_duplicate_annotations()
    {
        // Same outputs, same seed, different names: both processes want the same cache rows at the same time,
        // one per pair whose outputs differ (identical ones are draws that ask nobody).
        var set = ReferenceFileSet.Load(SharedData.Reference);
        var outputs = ModelOutputsReader.ReadFor(SharedData.Path("alpaca_eval/vicuna-7b.json"), set);
        var asked = (long)Enumerable.Range(0, set.Items.Count).Count(i => outputs.ByItem[i]!.Output != set.Items[i].ReferenceOutput);
        var a = Start("model-a");
        var b = Start("model-b");
        await Task.WhenAll(a.WaitForExitAsync(), b.WaitForExitAsync());

        Assert.True(a.ExitCode == 0, await a.StandardError.ReadToEndAsync());
        Assert.True(b.ExitCode == 0, await b.StandardError.ReadToEndAsync());
        using var connection = new SqliteConnection($"Data Source={Path.Combine(_home, LeaderboardStore.FileName)};Pooling=False");
        connection.Open();
        Assert.Equal(asked, Scalar(connection, "SELECT COUNT(*) FROM annotation_cache"));
        Assert.Equal(asked, Scalar(connection, "SELECT COUNT(DISTINCT key_sha256) FROM annotation_cache"));
        Assert.Equal(2L, Scalar(connection, "SELECT COUNT(*) FROM submissions"));
        Assert.Equal(2 * 805L, Scalar(connection, "SELECT COUNT(*) FROM annotations"));
        Assert.Equal(2 * 805L, Scalar(connection, "SELECT COUNT(*) FROM outputs"));
    }

    private Process Start(string name)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            ArgumentList =
            {
                Path.Combine(AppContext.BaseDirectory, "alpacafarm.dll"), "evaluate", "--home", _home, "--name", name,
                "--outputs", SharedData.Path("alpaca_eval/vicuna-7b.json"), "--reference", SharedData.Reference, "--annotators", "longest",
            },
        };
        return Process.Start(start)!;
    }

    private static long Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)command.ExecuteScalar()!;
    }
}
