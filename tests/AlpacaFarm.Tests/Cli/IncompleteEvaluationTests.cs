using System.Text.Json;
using AlpacaFarm.Leaderboard;
using AlpacaFarm.Testing;

namespace AlpacaFarm.Tests.Cli;

/// <summary>A judge that fails some pairs: the row is stored incomplete, the command fails, and the same command completes it.</summary>
public sealed class IncompleteEvaluationTests : IDisposable
{
    private readonly SmallSet _set = new();

    public void Dispose() => _set.Dispose();

    private string Home => _set.Home;

    private Task<CliResult> Evaluate(LoopbackChatServer server) => _set.Evaluate(server, _set.Outputs, "--json");

    [Fact]
    public async Task Unjudged_pairs_fail_the_run_and_the_same_command_completes_the_row()
    {
        await using var server = new LoopbackChatServer();
        server.AlwaysFailFor[_set.Instructions[2]] = true;
        server.AlwaysFailFor[_set.Instructions[5]] = true;

        var partial = await Evaluate(server);

        Assert.Equal(1, partial.ExitCode);
        Assert.Equal("error: 2 pairs could not be judged: the row is stored as incomplete and is not ranked; " +
            "run the same command again to judge them (the judged pairs are cached).\n", partial.Error);
        var row = JsonDocument.Parse(partial.Out).RootElement;
        Assert.Equal(2, row.GetProperty("n_unjudged").GetInt32());
        Assert.Equal(6, row.GetProperty("n_total").GetInt32());
        var board = await CliRunner.RunAsync("leaderboard", "--home", Home, "--format", "md");
        Assert.Contains("| – | my-model (incomplete: 2 unjudged) |", board.Out);

        server.AlwaysFailFor.Clear();
        var requestsBefore = server.Requests.Count;
        var completed = await Evaluate(server);
        var table = await _set.Evaluate(server, _set.Outputs);

        Assert.True(completed.ExitCode == 0, completed.Error);
        Assert.Equal(2, server.Requests.Count - requestsBefore); // only the unjudged pairs were asked
        row = JsonDocument.Parse(completed.Out).RootElement;
        Assert.Equal(0, row.GetProperty("n_unjudged").GetInt32());
        Assert.Equal(8, row.GetProperty("n_total").GetInt32());
        Assert.Equal(100, row.GetProperty("win_rate").GetDouble()); // the loopback judge prefers the longer output: the model's
        Assert.Contains("nothing asked, nothing written", table.Out);
        using var store = LeaderboardStore.Open(Path.Combine(Home, LeaderboardStore.FileName));
        var stored = store.FindSubmission(row.GetProperty("board").GetString()!, "my-model")!;
        Assert.True(stored.Aggregate.IsComplete);
        Assert.All(store.Annotations(stored.Id), annotation => Assert.Equal(2.0, annotation.Preference));
    }

    [Fact]
    public async Task A_rerun_whose_pairs_fail_again_changes_nothing_and_fails_again()
    {
        await using var server = new LoopbackChatServer();
        server.AlwaysFailFor[_set.Instructions[0]] = true;

        var first = await Evaluate(server);
        var second = await Evaluate(server);

        Assert.Equal(1, first.ExitCode);
        Assert.Equal(1, second.ExitCode);
        Assert.Equal(1, JsonDocument.Parse(second.Out).RootElement.GetProperty("n_unjudged").GetInt32());
    }
}
