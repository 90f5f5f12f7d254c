using AlpacaFarm.Tests.Cli;

namespace AlpacaFarm.Tests.Runner;

/// <summary>
/// Two runs started into one home share its cores: while the first holds them all (at the Misbehaving plugin's gate), the
/// second says it waits for the compute lease and starts nothing; when the gate opens and the first ends, the second runs.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class ComputeLeaseProcessTests : IDisposable
{
    private readonly string _home = Directory.CreateTempSubdirectory("alpacafarm-lease-").FullName;

    public void Dispose() => Directory.Delete(_home, recursive: true);

    private string[] Run(int threads, long seed, string method) =>
        ["run", "--home", _home, "--recipe", "tiny", "--threads", threads.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--seed", seed.ToString(System.Globalization.CultureInfo.InvariantCulture), "--eval-split", "validation",
            "--methods", method, "--plugins", TinyFarmHome.Misbehaving, "--trust"];

    [Fact]
    public async Task A_second_run_into_the_home_waits_for_the_compute_lease_saying_so_then_runs()
    {
        // The first run takes every core's slot, and holds them at the gate.
        using var first = ChildCli.Start(Run(Environment.ProcessorCount, 0, "test-gate"));
        await first.WaitForErrorLine(line => line.StartsWith("test-gate: at the gate", StringComparison.Ordinal));

        // Another seed, so that the second run needs none of the first's artifacts or rows: only the cores.
        using var second = ChildCli.Start(Run(1, 1, "test-labels"));
        var waiting = await second.WaitForErrorLine(line => line.StartsWith("waiting for the compute lease", StringComparison.Ordinal));
        Assert.Equal($"waiting for the compute lease: other alpacafarm processes in this home use the cpu's {Environment.ProcessorCount} core(s), and this run needs 1",
            waiting);
        Assert.Equal([waiting], second.ErrorLines); // nothing started before the wait
        Assert.Single(Directory.EnumerateDirectories(Path.Combine(_home, "artifacts", "policy"))); // the first's SFT only

        Directory.CreateDirectory(Path.Combine(_home, "cache", "test-gate"));
        await File.WriteAllTextAsync(Path.Combine(_home, "cache", "test-gate", "open"), "");
        var (done, alsoDone) = (await first.ExitAsync(), await second.ExitAsync());

        Assert.True(done.ExitCode == 0, done.Error);
        Assert.True(alsoDone.ExitCode == 0, alsoDone.Error);
        var lines = alsoDone.Error.Split('\n');
        Assert.True(Array.FindIndex(lines, line => line.StartsWith("training SFT", StringComparison.Ordinal)) > Array.IndexOf(lines, waiting));
        Assert.Contains("test-labels-tiny-s1", alsoDone.Out);
    }
}
