using System.Text.Json;
using AlpacaFarm.Host.Cli;
using AlpacaFarm.Modeling.Checkpoints;
using AlpacaFarm.Runner.Methods;
using AlpacaFarm.Tests.Runner;

namespace AlpacaFarm.Tests.Cli;

/// <summary>
/// <c>alpacafarm clean</c> on a real tiny-recipe home (a stored run, two failed ones) with leftovers the test adds: it lists
/// exactly the items nothing needs and touches nothing; with --yes it removes exactly those, and the boards, the recorded
/// runs and a rerun of the stored run are as before. A held run lock or builder lock keeps what it guards; a removal that
/// fails exits 1 with one line.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class CleanCommandTests
{
    private static readonly string UnusedArtifact = "artifacts/policy/" + new string('a', 64);
    private static readonly string LeftoverBuild = "artifacts/.building/" + new string('b', 64) + "-4242-0123456789abcdef";
    private static readonly string Draw = "cache/expert-iteration/demonstrations/" + new string('c', 64);
    private const string OrphanRun = "runs/0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    private const string UnusedOutputs = "outputs/farm-validation/no-longer-stored.json";

    [Fact]
    public async Task Clean_lists_then_removes_exactly_what_no_stored_row_or_run_needs()
    {
        using var home = new TinyFarmHome();
        // Two runs that fail: their folders hold a log and no row. test-null's gets a resume/ folder, as PPO leaves one.
        await home.Run("--methods", "test-throws,test-null", "--plugins", TinyFarmHome.Misbehaving, "--trust");
        var keys = home.Runs().ToDictionary(run => run.Method, run => run.RunKey);
        var stored = $"runs/{keys["test-labels"]}";
        var failed = $"runs/{keys["test-throws"]}";
        var resumable = $"runs/{keys["test-null"]}";
        var platform = Snapshot(home.Path).Keys.ToList();
        Write(home.Path, $"{resumable}/resume/state.json", 5000);
        Write(home.Path, $"{OrphanRun}/log.txt", 3000);
        Write(home.Path, $"{UnusedArtifact}/weights.bin", 70_000);
        Write(home.Path, $"{UnusedArtifact}/artifact-key.json", 40);
        Write(home.Path, $"{LeftoverBuild}/weights.bin", 100);
        Write(home.Path, $"{Draw}/selection.json", 1234);
        Write(home.Path, UnusedOutputs, 300);

        // Expected: what the test added (but the resume state) and the failed run's folder; kept: the stored run's folder,
        // the resumable one, the artifacts and the two rows' outputs the tiny run made.
        string[] removable = [failed, OrphanRun, UnusedArtifact, LeftoverBuild, Draw, UnusedOutputs];
        var freed = removable.Sum(path => Bytes(Path.Combine(home.Path, path)));
        var madeArtifacts = platform.Where(path => path.StartsWith("artifacts/", StringComparison.Ordinal) && !path.StartsWith("artifacts/.", StringComparison.Ordinal))
            .Select(path => string.Join('/', path.Split('/')[..3])).Distinct().ToList();
        Assert.Equal(["policy", "preferencedata", "rewardmodel"], madeArtifacts.Select(path => path.Split('/')[1]).Order());
        string[] kept = [stored, .. madeArtifacts, "outputs/farm-validation/sft-tiny-s0.json", "outputs/farm-validation/test-labels-tiny-s0.json"];
        var leaderboard = await Cli("leaderboard", "--home", home.Path, "--format", "json");
        var runs = await Cli("runs", "--home", home.Path, "--json");
        // After the reads above: SQLite's first reader in WAL mode makes the -shm and -wal files beside the database.
        var before = Snapshot(home.Path);

        // Without --yes: the list, and not a byte changed.
        var plan = JsonDocument.Parse((await Cli("clean", "--home", home.Path, "--json"))).RootElement;
        var text = await Cli("clean", "--home", home.Path);

        Assert.True(plan.GetProperty("dry_run").GetBoolean());
        Assert.Equal(removable.Order(), Paths(plan, "remove").Keys.Order());
        Assert.Equal(freed, plan.GetProperty("removable_bytes").GetInt64());
        var keep = Paths(plan, "keep");
        Assert.Equal("resumable", keep[resumable]);
        Assert.All(kept, path => Assert.Equal("stored", keep[path]));
        Assert.Equal(kept.Length + 1, keep.Count);
        Assert.All(removable, path => Assert.Contains(path, text));
        Assert.Contains("run again with --yes to remove these", text);
        Assert.Equal(before, Snapshot(home.Path));

        // With --yes: exactly those go. Taking a run's or an artifact's lock to remove it may leave its (empty) lock file.
        var removal = JsonDocument.Parse((await Cli("clean", "--home", home.Path, "--yes", "--json"))).RootElement;

        Assert.Equal(removable.Order(), Paths(removal, "removed").Keys.Order());
        Assert.Equal(0, removal.GetProperty("skipped").GetArrayLength());
        Assert.Equal(0, removal.GetProperty("failed").GetArrayLength());
        Assert.Equal(freed, removal.GetProperty("freed_bytes").GetInt64());
        var after = Snapshot(home.Path);
        var gone = before.Keys.Where(file => removable.Any(item => file == item || file.StartsWith(item + "/", StringComparison.Ordinal))).ToList();
        Assert.Equal(before.Where(file => !gone.Contains(file.Key)), after.Where(file => !file.Key.EndsWith(".lock", StringComparison.Ordinal) || before.ContainsKey(file.Key)));
        Assert.All(removable, path => Assert.False(Path.Exists(Path.Combine(home.Path, path)), path));
        Assert.Equal(leaderboard, await Cli("leaderboard", "--home", home.Path, "--format", "json"));
        Assert.Equal(runs, await Cli("runs", "--home", home.Path, "--json"));

        // The stored run again: found stored, nothing trained or recorded anew.
        var rerun = await home.Run("--methods", "test-labels", "--plugins", TinyFarmHome.Misbehaving, "--trust");

        Assert.True(rerun.ExitCode == 0, rerun.Error);
        Assert.Matches(@"│ test-labels-tiny-s0\s+│ stored\s+│", rerun.Out);
        Assert.Equal(runs, await Cli("runs", "--home", home.Path, "--json"));
        Assert.Equal(after.Where(file => file.Key.StartsWith("artifacts/", StringComparison.Ordinal)),
            Snapshot(home.Path).Where(file => file.Key.StartsWith("artifacts/", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_held_run_lock_keeps_its_run_folder_and_what_the_run_may_read()
    {
        using var home = new TinyFarmHome();
        await home.Run("--methods", "test-throws", "--plugins", TinyFarmHome.Misbehaving, "--trust");
        var failed = $"runs/{home.Runs().Single(run => run.Method == "test-throws").RunKey}";
        Write(home.Path, $"{UnusedArtifact}/weights.bin", 1000);

        using (ExclusiveFileLock.TryAcquire(RunLocks.PathFor(home.Path, Path.GetFileName(failed))) ?? throw new InvalidOperationException("the run lock is taken"))
        {
            var plan = Paths(JsonDocument.Parse((await Cli("clean", "--home", home.Path, "--json"))).RootElement, "keep");
            var removal = JsonDocument.Parse((await Cli("clean", "--home", home.Path, "--yes", "--json"))).RootElement;

            Assert.Equal("running", plan[failed]);
            Assert.Equal("in-use", plan[UnusedArtifact]);
            Assert.Equal(0, removal.GetProperty("removed").GetArrayLength());
            Assert.True(Directory.Exists(Path.Combine(home.Path, failed)));
            Assert.True(Directory.Exists(Path.Combine(home.Path, UnusedArtifact)));
        }

        // The lock released (the run ended): both go.
        var freed = JsonDocument.Parse((await Cli("clean", "--home", home.Path, "--yes", "--json"))).RootElement;

        Assert.Equal([UnusedArtifact, failed], Paths(freed, "removed").Keys.Order());
        Assert.False(Directory.Exists(Path.Combine(home.Path, failed)));
    }

    [Fact]
    public async Task A_row_on_eval_805_keeps_its_outputs_file_where_eval_805_writes_it()
    {
        using var home = new TinyFarmHome();
        // eval-805's outputs keep their old place, outputs/NAME.json; the validation split's are under outputs/farm-validation/.
        await Cli("evaluate", "--home", home.Path, "--policy", "sft", "--recipe", "tiny", "--threads", "1");
        Write(home.Path, "outputs/sft-tiny-s1.json", 10);

        var plan = JsonDocument.Parse(await Cli("clean", "--home", home.Path, "--json")).RootElement;

        Assert.Equal("stored", Paths(plan, "keep")["outputs/sft-tiny-s0.json"]);
        Assert.Equal("stored", Paths(plan, "keep")["outputs/farm-validation/sft-tiny-s0.json"]);
        Assert.Equal(["outputs/sft-tiny-s1.json"], Paths(plan, "remove").Keys);
    }

    [Fact]
    public async Task A_held_builder_lock_keeps_its_build_folder()
    {
        // No database: nothing stored needs anything, so only the lock keeps the folder.
        var home = Directory.CreateTempSubdirectory("alpacafarm-clean-").FullName;
        try
        {
            Write(home, $"{LeftoverBuild}/weights.bin", 100);
            var builderLock = Path.Combine(home, "artifacts", ".locks", $"policy-{new string('b', 64)}.lock");

            using (ExclusiveFileLock.TryAcquire(builderLock) ?? throw new InvalidOperationException("the builder lock is taken"))
            {
                var held = JsonDocument.Parse((await Cli("clean", "--home", home, "--yes", "--json"))).RootElement;

                Assert.Equal("building", Paths(held, "keep")[LeftoverBuild]);
                Assert.True(Directory.Exists(Path.Combine(home, LeftoverBuild)));
            }
            var freed = JsonDocument.Parse((await Cli("clean", "--home", home, "--yes", "--json"))).RootElement;

            Assert.Equal([LeftoverBuild], Paths(freed, "removed").Keys);
            Assert.False(Directory.Exists(Path.Combine(home, LeftoverBuild)));
            Assert.True(File.Exists(builderLock));
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public async Task A_removal_that_fails_is_reported_and_exits_1()
    {
        var home = Directory.CreateTempSubdirectory("alpacafarm-clean-").FullName;
        try
        {
            Write(home, $"{OrphanRun}/log.txt", 10);
            // The home made read-only for real, in a child process: as root through a read-only bind mount, else by mode.
            IReadOnlyList<string> wrapper = [];
            if (Environment.UserName == "root")
                wrapper = ["unshare", "--mount", "sh", "-c", """mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" "$0" && exec "$@" """, home];
            else
                File.SetUnixFileMode(Path.Combine(home, "runs"), UnixFileMode.UserRead | UnixFileMode.UserExecute);
            using var child = ChildCli.StartUnder(wrapper, "clean", "--home", home, "--yes");
            var result = await child.ExitAsync();

            Assert.Equal(CliApp.Failure, result.ExitCode);
            Assert.Matches($"^error: 1 of 1 items could not be removed \\(first: {OrphanRun}: .+\\)$", result.Error);
            Assert.Contains("Failed to remove 1 item", result.Out);
            Assert.True(File.Exists(Path.Combine(home, OrphanRun, "log.txt")));
        }
        finally
        {
            File.SetUnixFileMode(Path.Combine(home, "runs"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            Directory.Delete(home, recursive: true);
        }
    }

    private static async Task<string> Cli(params string[] args)
    {
        var result = await CliRunner.RunAsync(args);
        Assert.True(result.ExitCode == 0, $"{string.Join(' ', args)}: {result.Error}");
        return result.Out;
    }

    /// <summary>The items of one list of clean's JSON, path → reason.</summary>
    private static Dictionary<string, string> Paths(JsonElement root, string list) =>
        root.GetProperty(list).EnumerateArray().ToDictionary(item => item.GetProperty("path").GetString()!, item => item.GetProperty("reason").GetString()!);

    private static void Write(string home, string path, int bytes)
    {
        var full = Path.Combine(home, path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllBytes(full, new byte[bytes]);
    }

    // The files' lengths under a path, counted here from the file system.
    private static long Bytes(string path) =>
        File.Exists(path) ? new FileInfo(path).Length : Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories).Sum(file => new FileInfo(file).Length);

    // Every file under the home with its length and content hash: what clean may not change.
    private static SortedDictionary<string, string> Snapshot(string home) =>
        new(Directory.EnumerateFiles(home, "*", SearchOption.AllDirectories)
            .ToDictionary(file => Path.GetRelativePath(home, file),
                file => $"{new FileInfo(file).Length} {Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(file)))}"),
            StringComparer.Ordinal);
}
