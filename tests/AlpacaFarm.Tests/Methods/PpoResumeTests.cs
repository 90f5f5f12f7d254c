using System.Security.Cryptography;
using AlpacaFarm.Leaderboard;
using AlpacaFarm.Tests.Cli;
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
        using (var child = ChildCli.Start(_killed.RunArguments(Ppo)))
        {
            // The barrier: the display's line for step 4 or later. PPO reports a step and then, every second step, writes its
            // resume state, so the state of step 2 is written by the report of step 4.
            await child.WaitForErrorLine(line => StepOfLine(line) >= 4);
            child.Signal(ChildCli.SigKill); // no handler runs, nothing is flushed or cleaned up
            await child.ExitAsync();
        }
        // The kill may land while a newer state replaces the last one: one of resume/ and resume-next/ then holds it whole.
        var state = Directory.EnumerateDirectories(Path.Combine(_killed.Path, "runs"))
            .SelectMany(run => new[] { "resume", "resume-next" }.Select(folder => Path.Combine(run, folder, "state.json"))).First(File.Exists);
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

    // The step of a PPO progress line ("ppo: ppo · reward … : STEP/60"), or -1.
    private static int StepOfLine(string line)
    {
        var match = System.Text.RegularExpressions.Regex.Match(line, @"^ppo: ppo .*: ([0-9]+)/60$");
        return match.Success ? int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : -1;
    }

    // A steps.csv row without its timings (the last three columns), which differ between runs.
    private static string Rewards(string line) => string.Join(',', line.Split(',')[..^3]);

    private static string Hash(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));
}
