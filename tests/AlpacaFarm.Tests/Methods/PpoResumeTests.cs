using System.Diagnostics;
using System.Security.Cryptography;
using AlpacaFarm.Leaderboard;
using AlpacaFarm.Tests.Runner;

namespace AlpacaFarm.Tests.Methods;

/// <summary>
/// A PPO run killed with SIGKILL in a real child process, then started again with the same command, continues from its
/// last checkpoint and ends with the same weights as a run that was never interrupted (in a second home made alike).
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class PpoResumeTests : IDisposable
{
    private static readonly string[] Ppo =
    [
        "--methods", "ppo", "--set", "ppo.total_steps=60", "--set", "ppo.save_every=2", "--set", "ppo.rollout_batch_size=16",
        "--set", "ppo.step_batch_size=8", "--set", "ppo.max_new_tokens=16", "--set", "ppo.warmup_steps=1", "--set", "ppo.learning_rate=1e-3",
    ];

    private readonly TinyFarmHome _killed = new();
    private readonly TinyFarmHome _whole = new();

    public void Dispose()
    {
        _killed.Dispose();
        _whole.Dispose();
    }

    [Fact]
    public async Task A_run_killed_after_a_checkpoint_resumes_and_ends_with_the_uninterrupted_weights()
    {
        using var child = Process.Start(Start(_killed.Path))!;
        var drained = Task.WhenAll(child.StandardOutput.ReadToEndAsync(), child.StandardError.ReadToEndAsync());
        var exited = child.WaitForExitAsync();
        // The barrier: the first complete resume state (written whole, then renamed into place) after step 2.
        string? state = null;
        var guard = Stopwatch.StartNew();
        while (state is null && !exited.IsCompleted && guard.Elapsed < TimeSpan.FromMinutes(5))
        {
            state = Directory.EnumerateDirectories(Path.Combine(_killed.Path, "runs"))
                .Select(run => Path.Combine(run, "resume", "state.json")).FirstOrDefault(File.Exists);
            if (state is null) await Task.Delay(5);
        }
        Assert.False(exited.IsCompleted, "the first run ended before its first resume state could be seen");
        Assert.NotNull(state);
        child.Kill(); // SIGKILL: no handler runs, nothing is flushed or cleaned up
        await exited;
        await drained;
        var work = Path.GetDirectoryName(Path.GetDirectoryName(state))!;
        Assert.False(File.Exists(Path.Combine(work, "policy", "weights.bin")), "the first run finished training before the kill");

        var resumed = await _killed.Run(Ppo);
        var whole = await _whole.Run(Ppo);

        Assert.True(resumed.ExitCode == 0, resumed.Error);
        Assert.True(whole.ExitCode == 0, whole.Error);
        var wholeWork = Path.Combine(_whole.Path, "runs", Path.GetFileName(work));
        Assert.True(Directory.Exists(wholeWork), "both homes give the run the same key");
        Assert.Contains("resuming after step", File.ReadAllText(Path.Combine(work, "log.txt")), StringComparison.Ordinal);
        // The display shows each step's reward parts and KL as the run goes.
        Assert.Matches(@"ppo: ppo · reward -?[0-9.]+ · head -?[0-9.]+ · likelihood -?[0-9.]+ · kl [0-9.]+ · entropy [0-9.]+ · length [0-9.]+", whole.Error);
        Assert.Equal(Hash(Path.Combine(wholeWork, "policy", "weights.bin")), Hash(Path.Combine(work, "policy", "weights.bin")));
        Assert.Equal(File.ReadAllLines(Path.Combine(wholeWork, "steps.csv")).Select(Rewards), File.ReadAllLines(Path.Combine(work, "steps.csv")).Select(Rewards));
        using var store = _killed.Open();
        var runs = store.MethodRuns().Where(run => run.Method == "ppo").ToList();
        // The killed run never recorded an outcome; the next attempt, holding the key's run lock, marked it interrupted.
        Assert.Equal([MethodRunStatus.Succeeded, MethodRunStatus.Interrupted], runs.Select(run => run.Status));
        Assert.Equal(Enumerable.Range(1, 29).Select(i => 2 * i), store.MethodRunArtifacts(runs[0].Id).Select(a => a.Step).Order());
    }

    // The same run in a real process: the same arguments as TinyFarmHome.Run.
    private static ProcessStartInfo Start(string home)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in (string[])[Path.Combine(AppContext.BaseDirectory, "alpacafarm.dll"), "run", "--home", home, "--recipe", "tiny", "--threads", "1",
            "--eval-split", "validation", .. Ppo])
            start.ArgumentList.Add(argument);
        return start;
    }

    // A steps.csv row without its timings (the last three columns), which differ between runs.
    private static string Rewards(string line) => string.Join(',', line.Split(',')[..^3]);

    private static string Hash(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));
}
