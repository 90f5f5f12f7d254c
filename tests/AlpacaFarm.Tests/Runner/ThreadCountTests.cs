using AlpacaFarm.Host.Cli;
using AlpacaFarm.Tests.Cli;

namespace AlpacaFarm.Tests.Runner;

/// <summary>
/// Float results depend on the thread count, so it is part of every key: artifacts and runs of another count are other
/// artifacts and runs, and a row stored with one count is never silently taken for another's.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class ThreadCountTests : IDisposable
{
    private readonly TinyFarmHome _home = new(); // made with one thread

    public void Dispose() => _home.Dispose();

    private Task<CliResult> RunWithTwoThreads(params string[] args) => CliRunner.RunAsync(["run", "--home", _home.Path, "--recipe", "tiny", "--threads", "2",
        "--eval-split", "validation", "--methods", "test-labels", "--plugins", TinyFarmHome.Misbehaving, "--trust", .. args]);

    [Fact]
    public async Task Another_thread_count_is_refused_the_other_counts_baseline_before_training_and_keys_its_own_artifacts_and_runs()
    {
        var rows = _home.Rows();
        var policies = Directory.GetDirectories(Path.Combine(_home.Path, "artifacts", "policy"));

        var refused = await RunWithTwoThreads();

        Assert.Equal(CliApp.Failure, refused.ExitCode);
        Assert.Equal("error: row 'sft-tiny-s0' already holds the baseline of another SFT policy (cpu, 1 thread(s); this run: cpu, 2 thread(s)); " +
            "pass --replace to replace it, or run with the same --threads and --device\n", refused.Error);
        Assert.Equal(policies, Directory.GetDirectories(Path.Combine(_home.Path, "artifacts", "policy"))); // nothing trained
        Assert.Equal(rows, _home.Rows());

        var replaced = await RunWithTwoThreads("--replace");

        Assert.True(replaced.ExitCode == 0, replaced.Error);
        foreach (var kind in new[] { "policy", "preferencedata", "rewardmodel" })
            Assert.Equal(2, Directory.GetDirectories(Path.Combine(_home.Path, "artifacts", kind)).Length);
        var labels = _home.Runs().Where(run => run.Method == "test-labels").ToList();
        Assert.Equal(2, labels.Select(run => run.RunKey).Distinct().Count());
        using var store = _home.Open();
        var board = store.Boards().Single().Identity.Id;
        Assert.Equal("2", store.FindSubmission(board, "sft-tiny-s0")!.Provenance.Run!["threads"]);
        Assert.Equal("2", store.FindSubmission(board, "test-labels-tiny-s0")!.Provenance.Run!["threads"]);
    }
}
