using System.Text.Json;
using AlpacaFarm.Catalog;
using AlpacaFarm.Leaderboard;
using AlpacaFarm.Runner.Methods;
using AlpacaFarm.Runner.Sandbox;
using AlpacaFarm.Tests.Catalog;
using AlpacaFarm.Tests.Cli;
using AlpacaFarm.Tests.Runner;

namespace AlpacaFarm.Tests.Sandbox;

/// <summary>
/// <c>alpacafarm submit</c> on the tiny farm: a built-in method submitted as a folder gives its in-process row's outputs, and
/// each hostile plugin is stopped (the host survives, the reason is recorded, nothing secret is read, no row changes).
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class SubmitTests(TinyFarmHome home) : IClassFixture<TinyFarmHome>, IDisposable
{
    private readonly TestPluginFolders _folders = new();

    public static string Hostile => TestPluginFolders.Of("test-hostile");

    private Task<CliResult> Submit(params string[] args) =>
        CliRunner.RunAsync(["submit", .. args, "--home", home.Path, "--recipe", "tiny", "--threads", "1", "--eval-split", "validation"]);

    [SandboxFact]
    public async Task A_built_in_method_submitted_as_a_folder_gives_the_outputs_and_win_rates_of_its_in_process_run()
    {
        var dpo = Path.Combine(PluginCatalog.BuiltInFolder, "dpo");

        var submitted = await Submit(dpo, "--method", "dpo", "--format", "json");
        var inProcess = await home.Run("--methods", "dpo");

        Assert.True(submitted.ExitCode == 0, submitted.Error);
        Assert.True(inProcess.ExitCode == 0, inProcess.Error);
        using var store = home.Open();
        var board = Assert.Single(store.Boards(), b => store.FindSubmission(b.Identity.Id, "dpo.dpo-tiny-s0") is not null).Identity.Id;
        var mine = store.FindSubmission(board, "dpo.dpo-tiny-s0")!;
        var theirs = store.FindSubmission(board, "dpo-tiny-s0")!;
        Assert.Equal(theirs.Aggregate with { Mode = "community" }, mine.Aggregate);
        Assert.Equal(store.Outputs(theirs.Id).Select(o => (o.Instruction, o.Output)), store.Outputs(mine.Id).Select(o => (o.Instruction, o.Output)));
        Assert.Equal(31, store.Outputs(mine.Id).Count);
        // Only the name, the mode and the provenance of the run differ.
        Assert.Equal(("community", "verified"), (mine.Provenance.Mode, theirs.Provenance.Mode));
        Assert.Equal(theirs.Provenance.Hyperparameters, mine.Provenance.Hyperparameters);
        Assert.StartsWith("bubblewrap", mine.Provenance.Run!["sandbox"], StringComparison.Ordinal);
        Assert.Equal("dpo.dpo", mine.Provenance.Run["submitted_as"]);
        Assert.Equal(theirs.Provenance.PluginSha256, mine.Provenance.PluginSha256);
        using var json = JsonDocument.Parse(submitted.Out);
        Assert.Contains(json.RootElement.GetProperty("rows").EnumerateArray(), row => row.GetProperty("name").GetString() == "dpo.dpo-tiny-s0");
        // In the closing table a submission is its submitter's: named so, and with no paper row beside it, whatever id it declares.
        var summary = json.RootElement.GetProperty("summary").GetProperty("rows").EnumerateArray().Single(row => row.GetProperty("variant").GetString() == "dpo.dpo");
        Assert.Equal("dpo.dpo (DPO, submitted)", summary.GetProperty("method").GetString());
        Assert.Equal(JsonValueKind.Null, summary.GetProperty("paper").ValueKind);
    }

    [SandboxTheory]
    [InlineData("test-misbehaving", "test-throws", new string[0], MethodRunStatus.Failed, "method 'test-throws' failed: InvalidOperationException: deliberate failure")]
    [InlineData("test-misbehaving", "test-hang", new[] { "--time-limit", "3s" }, MethodRunStatus.TimedOut, "method 'test-hang' ran past the time limit of 3 s; no further method was started")]
    [InlineData("test-misbehaving", "test-over-budget", new[] { "--label-budget", "10" }, MethodRunStatus.Failed, "method 'test-over-budget': preference budget exceeded: asked for 8 labels, 7 of 10 remain")]
    [InlineData("test-hostile", "hostile-exit", new string[0], MethodRunStatus.Failed, "method 'hostile-exit' was stopped: its worker exited with code 3")]
    [InlineData("test-hostile", "hostile-allocate", new[] { "--memory-limit", "512M" }, MethodRunStatus.Failed, "method 'hostile-allocate' was stopped: its worker used more than the memory limit of 512 MiB")]
    [InlineData("test-hostile", "hostile-chatter", new string[0], MethodRunStatus.Failed, "method 'hostile-chatter' failed: InvalidOperationException: chatter done; budget remaining 10000")]
    [InlineData("test-hostile", "hostile-flood", new string[0], MethodRunStatus.Failed, "method 'hostile-flood' was stopped: its worker sent more than 256 MiB over its channel")]
    public async Task A_hostile_submission_is_stopped_recorded_with_its_reason_and_changes_no_row(string plugin, string method, string[] extra, string status, string reason)
    {
        var rows = home.Rows();
        var runs = home.Runs().Count;

        var result = await Submit([TestPluginFolders.Of(plugin), "--method", method, .. extra]);

        Assert.Equal(1, result.ExitCode);
        var error = Assert.Single(result.Error.Split('\n'), line => line.StartsWith("error:", StringComparison.Ordinal));
        Assert.StartsWith($"error: {reason}", error, StringComparison.Ordinal);
        Assert.Equal(rows, home.Rows());
        Assert.Equal(runs + 1, home.Runs().Count);
        var run = home.Runs()[0];
        Assert.Equal((method, status), (run.Method, run.Status));
        Assert.StartsWith(reason, run.Reason, StringComparison.Ordinal);
        // The worker is gone: no live process runs it (a dead sandbox may wait as a zombie for the machine's init to reap it).
        // Only this plugin's: other hosts on the machine may be running workers of their own.
        Assert.DoesNotContain(LiveWorkers(), worker => worker.Contains(TestPluginFolders.Of(plugin), StringComparison.Ordinal));
        if (method == "hostile-chatter")
        {
            // 16 MiB written, the log capped at 1 MiB and a note of what was dropped.
            var output = new FileInfo(Path.Combine(run.WorkDirectory, RemoteMethod.OutputFile));
            Assert.InRange(output.Length, 1 << 20, (1 << 20) + 200);
            Assert.Contains("more bytes of worker output dropped", File.ReadAllText(output.FullName));
        }
        if (method == "hostile-flood")
        {
            // 16 MiB of its log lines reach the run's log, then one note; the rest is dropped.
            var log = new FileInfo(Path.Combine(run.WorkDirectory, RunReporter.LogFile));
            Assert.InRange(log.Length, 16 << 20, 18 << 20);
            Assert.Contains("its further messages are dropped", File.ReadAllText(log.FullName));
        }
    }

    [SandboxFact]
    public async Task A_snooping_submission_reads_no_secret_writes_nothing_outside_and_reaches_no_network()
    {
        using var probes = new Probes(home.Path);
        var rows = home.Rows();

        var result = await Submit(probes.Plugin(_folders), "--method", "hostile-snoop");

        Assert.Equal(1, result.ExitCode);
        var findings = Findings(result);
        Assert.Equal(probes.Count + 7, findings.Count); // two variables, the probes, five assemblies
        // Denied, or written into the sandbox's private /tmp (the home of these tests lies under /tmp), which the host never sees.
        Assert.All(findings, finding => Assert.True(finding.StartsWith("denied:", StringComparison.Ordinal)
            || (finding.StartsWith("wrote:", StringComparison.Ordinal) && probes.Written.Contains(finding["wrote:".Length..])), finding));
        Assert.DoesNotContain(Probes.Secret, result.Error);
        Assert.False(probes.Connected);
        Assert.All(probes.Written, path => Assert.False(File.Exists(path), path));
        Assert.Equal(rows, home.Rows());
    }

    [SandboxFact]
    public async Task A_submission_that_writes_outside_its_work_directory_changes_nothing_outside_it()
    {
        // Beside the database, into its own plugin folder, into the shared SFT policy every method reads, into the host's /tmp.
        var sft = Directory.EnumerateDirectories(Path.Combine(home.Path, "artifacts", "policy")).First();
        var hashes = Directory.EnumerateDirectories(Path.Combine(home.Path, "artifacts"), "*", SearchOption.AllDirectories)
            .Where(folder => File.Exists(Path.Combine(folder, "checkpoint.json")) || Directory.EnumerateFiles(folder).Any())
            .ToDictionary(folder => folder, AlpacaFarm.Abstractions.Artifacts.ArtifactHandle.HashFolder);
        var plugin = Path.Combine(_folders.Folder($"writer-{Guid.NewGuid():N}", ("test-hostile", "test-hostile")), "test-hostile");
        string[] targets = [Path.Combine(home.Path, $"outside-{Guid.NewGuid():N}.txt"), Path.Combine(plugin, "planted.txt"),
            Path.Combine(sft, "planted.txt"), Path.Combine(Path.GetTempPath(), $"alpacafarm-planted-{Guid.NewGuid():N}.txt")];
        File.WriteAllLines(Path.Combine(plugin, "probe.txt"), targets.Select(target => $"write {target}"));
        var rows = home.Rows();

        var result = await Submit(plugin, "--method", "hostile-snoop");

        Assert.Equal(1, result.ExitCode);
        var findings = Findings(result);
        // The read-only mounts refuse; the home and /tmp paths land in the sandbox's private /tmp, which the host never sees.
        Assert.StartsWith($"denied:write {targets[1]}", findings.Single(f => f.Contains(targets[1], StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.StartsWith($"denied:write {targets[2]}", findings.Single(f => f.Contains(targets[2], StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.All(targets, target => Assert.False(File.Exists(target), target));
        Assert.Equal(hashes, hashes.Keys.ToDictionary(folder => folder, AlpacaFarm.Abstractions.Artifacts.ArtifactHandle.HashFolder));
        Assert.Equal(rows, home.Rows());
    }

    [SandboxFact]
    public async Task The_same_probes_succeed_without_the_sandbox_so_the_sandbox_is_what_stops_them()
    {
        using var probes = new Probes(home.Path);

        var result = await Submit(probes.Plugin(_folders), "--method", "hostile-snoop", "--trust", "--name", "snoop-trusted");

        var findings = Findings(result);
        Assert.Contains(findings, finding => finding.StartsWith($"read:{Path.Combine(home.Path, LeaderboardStore.FileName)}", StringComparison.Ordinal));
        Assert.Contains(findings, finding => finding.StartsWith($"read:{probes.SecretFile}", StringComparison.Ordinal));
        Assert.Contains(findings, finding => finding.StartsWith("read:assembly AlpacaFarm.Simulation", StringComparison.Ordinal));
        Assert.Contains(findings, finding => finding == $"connected:{probes.Listener}");
        Assert.All(probes.Written, path => Assert.True(File.Exists(path), path));
        // Even trusted, the worker's environment is emptied.
        Assert.Contains("denied:env ALPACAFARM_TEST_SECRET", findings);
    }

    [SandboxTheory]
    [InlineData("--method", "nope", "error: plugin 'test-hostile' has no method 'nope' (it has: hostile-allocate, hostile-chatter, hostile-echo, hostile-exit, hostile-flood, hostile-references, hostile-snoop)")]
    [InlineData("--method", "hostile-exit", "error: method 'hostile-exit' has no hyperparameter 'beta' (it has: )", "--set", "beta=1")]
    [InlineData("--method", "hostile-exit", "error: --name 'dpo' is a built-in row's name: a submission's rows never take one (leave --name out for test-hostile.hostile-exit)", "--name", "dpo")]
    public async Task A_bad_submission_is_refused_in_one_line_before_any_run(string option, string value, string error, params string[] extra)
    {
        var runs = home.Runs().Count;

        var result = await Submit([Hostile, option, value, .. extra]);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal(error, result.Error.Trim());
        Assert.Equal(runs, home.Runs().Count);
    }

    [Fact]
    public async Task A_folder_with_a_link_or_without_a_manifest_is_refused_before_any_worker_starts()
    {
        var linked = _folders.Folder("linked", ("test-hostile", "test-hostile"));
        var plugin = Path.Combine(linked, "test-hostile");
        File.CreateSymbolicLink(Path.Combine(plugin, "db"), Path.Combine(home.Path, LeaderboardStore.FileName));
        var empty = Directory.CreateDirectory(Path.Combine(linked, "empty")).FullName;

        var link = await Submit(plugin, "--method", "hostile-exit");
        var bare = await Submit(empty, "--method", "hostile-exit");

        Assert.Equal((2, $"error: plugin folder {plugin} holds a link (db): a submission holds plain files only"), (link.ExitCode, link.Error.Trim()));
        Assert.Equal((2, $"error: plugin folder {empty}: missing manifest: no plugin.json in the folder"), (bare.ExitCode, bare.Error.Trim()));
    }

    [SandboxFact]
    public async Task A_killed_submit_leaves_no_worker_behind_and_run_again_starts_the_method_anew()
    {
        // A copy at a path of its own: the test finds its worker by it.
        var plugin = Path.Combine(_folders.Folder($"gate-{Guid.NewGuid():N}", ("test-misbehaving", "test-misbehaving")), "test-misbehaving");
        string[] args = ["submit", plugin, "--method", "test-gate", "--home", home.Path, "--recipe", "tiny", "--threads", "1", "--eval-split", "validation"];
        var rows = home.Rows().Count;

        using (var child = ChildCli.Start(args))
        {
            await child.WaitForErrorLine(line => line.StartsWith("test-gate: at the gate", StringComparison.Ordinal));
            Assert.Contains(LiveWorkers(), worker => worker.Contains(plugin, StringComparison.Ordinal));
            child.Signal(ChildCli.SigKill);
            Assert.Equal(128 + ChildCli.SigKill, (await child.ExitAsync()).ExitCode);
        }
        // bubblewrap's --die-with-parent ends the sandbox with the host; waited for, with a guard, never slept on.
        await WaitUntil(() => !LiveWorkers().Any(worker => worker.Contains(plugin, StringComparison.Ordinal)));
        var cache = Path.Combine(home.Path, "cache", "submitted", AlpacaFarm.Abstractions.Artifacts.ArtifactHandle.HashFolder(plugin)[..16], "test-gate");
        await File.WriteAllTextAsync(Path.Combine(cache, "open"), "");

        using var again = ChildCli.Start(args);
        var result = await again.ExitAsync();

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Equal(rows + 1, home.Rows().Count);
        var runs = home.Runs().Where(run => run.Method == "test-gate" && run.WorkDirectory.Contains(home.Path, StringComparison.Ordinal)).Take(2).ToList();
        Assert.Equal([MethodRunStatus.Succeeded, MethodRunStatus.Interrupted], runs.Select(run => run.Status));
        // Started anew: the gate was entered twice in the same work directory.
        Assert.Equal(["entered", "entered"], File.ReadAllLines(Path.Combine(runs[0].WorkDirectory, "entered.txt")));
    }

    [Fact]
    public async Task Where_no_sandbox_can_be_made_submit_refuses_in_one_line_unless_trusted_and_the_row_records_the_trust()
    {
        // A PATH that holds env and dotnet but no bwrap: this host cannot make a sandbox.
        var bin = Directory.CreateTempSubdirectory("alpacafarm-nobwrap-").FullName;
        try
        {
            File.CreateSymbolicLink(Path.Combine(bin, "env"), "/usr/bin/env");
            File.CreateSymbolicLink(Path.Combine(bin, "dotnet"), Path.Combine(AlpacaFarm.Runner.Sandbox.Bubblewrap.DotnetRoot(), "dotnet"));
            string[] args = ["submit", TestPluginFolders.Of("test-misbehaving"), "--method", "test-labels", "--name", "labels-trusted",
                "--home", home.Path, "--recipe", "tiny", "--threads", "1", "--eval-split", "validation"];
            var runs = home.Runs().Count;

            using var refused = ChildCli.StartUnder(["/usr/bin/env", $"PATH={bin}"], args);
            var refusal = await refused.ExitAsync();
            using var trusted = ChildCli.StartUnder(["/usr/bin/env", $"PATH={bin}"], [.. args, "--trust"]);
            var ran = await trusted.ExitAsync();

            Assert.Equal(2, refusal.ExitCode);
            Assert.Equal("error: no sandbox can be made here: bubblewrap (bwrap) is not installed (Debian: apt-get install bubblewrap); " +
                "submit runs a plugin unsandboxed only with --trust", refusal.Error.Trim());
            Assert.True(ran.ExitCode == 0, ran.Error);
            Assert.Equal(runs + 1, home.Runs().Count);
            using var store = home.Open();
            var row = store.Boards().Select(board => store.FindSubmission(board.Identity.Id, "labels-trusted-tiny-s0")).Single(found => found is not null)!;
            Assert.Equal(("none (--trust)", "community"), (row.Provenance.Run!["sandbox"], row.Provenance.Mode));
            Assert.Equal("3", row.Provenance.Run["labels_used"]);
        }
        finally
        {
            Directory.Delete(bin, recursive: true);
        }
    }

    public void Dispose() => _folders.Dispose();

    private static async Task WaitUntil(Func<bool> condition)
    {
        using var guard = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        while (!condition()) await Task.Delay(50, guard.Token);
    }

    private static List<string> Findings(CliResult result)
    {
        var line = Assert.Single(result.Error.Split('\n'), l => l.StartsWith("error:", StringComparison.Ordinal));
        const string marker = "findings: ";
        return [.. line[(line.IndexOf(marker, StringComparison.Ordinal) + marker.Length)..].Split("; ")];
    }

    /// <summary>Processes, not zombies, whose command line runs the worker, from /proc.</summary>
    private static List<string> LiveWorkers()
    {
        var live = new List<string>();
        foreach (var folder in Directory.EnumerateDirectories("/proc").Where(f => int.TryParse(Path.GetFileName(f), out _)))
        {
            try
            {
                var state = File.ReadAllText(Path.Combine(folder, "stat")).Split(") ")[1][0];
                var command = File.ReadAllText(Path.Combine(folder, "cmdline")).Replace('\0', ' ');
                if (state != 'Z' && command.Contains("alpacafarm-worker", StringComparison.Ordinal)) live.Add($"{Path.GetFileName(folder)}: {command}");
            }
            catch (IOException)
            {
            }
        }
        return live;
    }
}
