using AlpacaFarm.Runner.Methods;
using AlpacaFarm.Leaderboard;

namespace AlpacaFarm.Tests.Runner;

/// <summary>A plugin that throws, returns nothing, overspends, asks too late or hangs: one line, a non-zero exit, no row, a record.</summary>
[Collection(TorchCollection.Name)]
public sealed class MethodRunFailureTests(TinyFarmHome home) : IClassFixture<TinyFarmHome>
{
    [Theory]
    [InlineData("test-throws", "method 'test-throws' failed: InvalidOperationException: deliberate failure")]
    [InlineData("test-null", "method 'test-null' returned no policy")]
    [InlineData("test-over-budget", "method 'test-over-budget': preference budget exceeded: asked for 8 labels, 7 of 10 remain")]
    [InlineData("test-late-query", "method 'test-late-query': the preference service is closed: the method's run has returned, and a policy may not ask for labels while it is evaluated")]
    public async Task A_failing_method_is_one_line_and_a_record_and_changes_no_row(string method, string reason)
    {
        var rows = home.Rows();
        var runs = home.Runs().Count;

        var result = await home.Run("--methods", method, "--plugins", TinyFarmHome.Misbehaving, "--trust", "--label-budget", "10");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"error: {reason}", Assert.Single(result.Error.Split('\n'), line => line.StartsWith("error:", StringComparison.Ordinal)));
        Assert.Equal(rows, home.Rows());
        Assert.Equal(runs + 1, home.Runs().Count);
        var run = home.Runs()[0];
        Assert.Equal((method, MethodRunStatus.Failed, reason), (run.Method, run.Status, run.Reason));
        Assert.Null(run.RowName);
        Assert.Contains($"host failed: {reason}", File.ReadAllText(Path.Combine(run.WorkDirectory, "log.txt")));
    }

    [Fact]
    public async Task A_method_past_the_time_limit_is_timed_out_and_no_further_method_starts()
    {
        var rows = home.Rows();
        var runs = home.Runs().Count;

        var result = await home.Run("--methods", "test-hang,test-throws", "--plugins", TinyFarmHome.Misbehaving, "--trust", "--time-limit", "2s");

        Assert.Equal(1, result.ExitCode);
        // test-hang ignores its token: after the grace it is stray work, which the process's entry ends with _exit.
        Assert.Equal("error: method 'test-hang' ran past the time limit of 2 s and had not stopped 10 s later, so no further method was started",
            Assert.Single(result.Error.Split('\n'), line => line.StartsWith("error:", StringComparison.Ordinal)));
        Assert.True(StrayWork.AnyRunning);
        Assert.Equal(runs + 1, home.Runs().Count); // test-throws never started
        Assert.Equal(("test-hang", MethodRunStatus.TimedOut), (home.Runs()[0].Method, home.Runs()[0].Status));
        Assert.Equal(rows, home.Rows());
    }
}
