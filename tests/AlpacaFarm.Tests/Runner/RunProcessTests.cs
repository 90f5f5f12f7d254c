using System.Text.Json;
using AlpacaFarm.Host.Cli;
using AlpacaFarm.Leaderboard;
using AlpacaFarm.Tests.Cli;

namespace AlpacaFarm.Tests.Runner;

/// <summary>
/// <c>run</c> as whole processes: Ctrl+C, SIGKILL and two processes of one key at once, with barriers on what the child
/// prints or writes, never on time.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class RunProcessTests : IDisposable
{
    private static readonly string[] LongPpo = ["--methods", "ppo", "--set", "ppo.total_steps=500", "--set", "ppo.warmup_steps=1"];

    private readonly TinyFarmHome _home = new();

    public void Dispose() => _home.Dispose();

    private static string[] Gate => ["--methods", "test-gate", "--plugins", TinyFarmHome.Misbehaving, "--trust"];

    [Fact]
    public async Task Ctrl_c_during_a_method_stops_its_libtorch_work_records_it_cancelled_and_exits_130_with_one_line()
    {
        using var child = ChildCli.Start(_home.RunArguments(LongPpo));
        // The barrier: PPO reports a step, so its rollouts and updates are running in libtorch.
        await child.WaitForErrorLine(line => line.StartsWith("ppo: ppo ·", StringComparison.Ordinal));
        child.Signal(ChildCli.SigInt);
        var result = await child.ExitAsync();

        Assert.True(result.ExitCode == CliApp.Interrupted, $"exit {result.ExitCode}: {result.Error}");
        Assert.Equal([$"error: {CliApp.CancelledMessage}"], result.Error.Split('\n').Where(line => line.StartsWith("error:", StringComparison.Ordinal)));
        Assert.Equal($"error: {CliApp.CancelledMessage}", result.Error.Split('\n')[^1]);
        Assert.Equal("", result.Out);
        var ppo = _home.Runs().First(run => run.Method == "ppo");
        Assert.Equal((MethodRunStatus.Cancelled, "method 'ppo' was cancelled"), (ppo.Status, ppo.Reason));
        Assert.DoesNotContain(_home.Rows().Keys, name => name.StartsWith("ppo-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Ctrl_c_during_sft_exits_130_with_one_line_and_a_builder_waiting_for_that_sft_then_builds_it()
    {
        var home = Directory.CreateTempSubdirectory("alpacafarm-sigint-").FullName;
        try
        {
            string[] sft = ["sft", "--home", home, "--recipe", "default", "--threads", "1"];
            using var first = ChildCli.Start(sft);
            await first.WaitForErrorLine(line => line.StartsWith("training SFT", StringComparison.Ordinal));
            using var second = ChildCli.Start(sft);
            await second.WaitForErrorLine(line => line.StartsWith("waiting for another process to finish the SFT policy", StringComparison.Ordinal));

            first.Signal(ChildCli.SigInt);
            var stopped = await first.ExitAsync();
            // The second takes the lock the first released and trains: one builder at a time, and nothing of the first's left.
            await second.WaitForErrorLine(line => line.StartsWith("training SFT", StringComparison.Ordinal));
            second.Signal(ChildCli.SigInt);
            var alsoStopped = await second.ExitAsync();

            foreach (var result in new[] { stopped, alsoStopped })
            {
                Assert.True(result.ExitCode == CliApp.Interrupted, $"exit {result.ExitCode}: {result.Error}");
                Assert.Equal($"error: {CliApp.CancelledMessage}", result.Error.Split('\n')[^1]);
                Assert.Single(result.Error.Split('\n'), line => line.StartsWith("error:", StringComparison.Ordinal));
            }
            Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(home, "artifacts", ".building")));
            Assert.False(Directory.Exists(Path.Combine(home, "artifacts", "policy")));
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }

    [Fact]
    public async Task A_second_run_of_the_same_key_waits_for_the_first_and_finds_its_row()
    {
        using var first = ChildCli.Start(_home.RunArguments(Gate));
        await first.WaitForErrorLine(line => line.StartsWith("test-gate: at the gate", StringComparison.Ordinal));
        using var second = ChildCli.Start(_home.RunArguments(Gate));
        await second.WaitForErrorLine(line => line.StartsWith("test-gate: waiting for another process running", StringComparison.Ordinal));

        var entered = Directory.EnumerateFiles(Path.Combine(_home.Path, "runs"), "entered.txt", SearchOption.AllDirectories).Single();
        var work = Path.GetDirectoryName(entered)!;
        File.WriteAllText(Path.Combine(work, "open"), "");
        var (a, b) = (await first.ExitAsync(), await second.ExitAsync());

        Assert.True(a.ExitCode == 0, a.Error);
        Assert.True(b.ExitCode == 0, b.Error);
        Assert.Equal(["entered"], File.ReadAllLines(entered));
        Assert.Single(_home.Runs(), run => run.Method == "test-gate");
        Assert.Single(File.ReadAllLines(Path.Combine(work, "log.txt")), line => line.Contains(" host run ", StringComparison.Ordinal));
        Assert.Matches(@"test-gate-tiny-s0\s+│ stored ", b.Out);
    }

    [Fact]
    public async Task A_run_killed_with_sigkill_shows_as_interrupted_and_the_next_attempt_supersedes_it()
    {
        using (var child = ChildCli.Start(_home.RunArguments(Gate)))
        {
            await child.WaitForErrorLine(line => line.StartsWith("test-gate: at the gate", StringComparison.Ordinal));
            child.Signal(ChildCli.SigKill);
            await child.ExitAsync();
        }

        var shown = await CliRunner.RunAsync("runs", "--home", _home.Path, "--json");
        var listed = JsonDocument.Parse(shown.Out).RootElement.EnumerateArray().First(run => run.GetProperty("method").GetString() == "test-gate");
        Assert.Equal(MethodRunStatus.Interrupted, listed.GetProperty("status").GetString());
        Assert.Equal(MethodRunStatus.InterruptedReason, listed.GetProperty("reason").GetString());
        Assert.Equal(MethodRunStatus.Running, _home.Runs().First(run => run.Method == "test-gate").Status); // reading changed nothing

        Directory.CreateDirectory(Path.Combine(_home.Path, "cache", "test-gate"));
        File.WriteAllText(Path.Combine(_home.Path, "cache", "test-gate", "open"), "");
        var again = await _home.Run(Gate);

        Assert.True(again.ExitCode == 0, again.Error);
        var runs = _home.Runs().Where(run => run.Method == "test-gate").ToList();
        Assert.Equal([MethodRunStatus.Succeeded, MethodRunStatus.Interrupted], runs.Select(run => run.Status));
        Assert.Equal(MethodRunStatus.InterruptedReason, runs[1].Reason);
        Assert.Equal(runs[0].RunKey, runs[1].RunKey);
    }

    [Fact]
    public async Task A_method_that_ignores_its_time_limit_is_left_behind_and_the_process_still_exits_with_its_output_whole()
    {
        using var child = ChildCli.Start(_home.RunArguments("--methods", "test-hang", "--plugins", TinyFarmHome.Misbehaving, "--trust", "--time-limit", "1s"));
        var result = await child.ExitAsync();

        // The hanging task is still running when the command ends: the process ends at once (_exit), after flushing.
        Assert.Equal(CliApp.Failure, result.ExitCode);
        Assert.Equal("error: method 'test-hang' ran past the time limit of 1 s and had not stopped 10 s later, so no further method was started",
            result.Error.Split('\n')[^1]);
        Assert.Matches(@"test-hang-tiny-s0\s+│ timed-out ", result.Out);
        // The last thing printed is the benchmark's note on the paper's table.
        Assert.EndsWith("are left out.\n", result.Out);
    }
}
