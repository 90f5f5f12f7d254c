using AlpacaFarm.Modeling.Checkpoints;
using AlpacaFarm.Runner.Methods;

namespace AlpacaFarm.Runner.Configuration;

/// <summary>
/// The home's locks that a live process holds, read at one moment: run locks (<c>locks/run-KEY.lock</c>) and builder locks
/// (<c>.locks/KIND-HASH.lock</c> of the artifact cache and of each method's cache). Probed the way <c>runs</c> probes them,
/// opening each for reading only, so nothing is created. A lock this process holds reads as held too (flock locks belong to
/// an open file, not to a process), so <c>clean</c> names those it took itself as <c>except</c>.
/// </summary>
public sealed class HeldLocks
{
    private readonly HashSet<string> _builders;

    private HeldLocks(IReadOnlyList<string> runKeys, HashSet<string> builders)
    {
        RunKeys = runKeys;
        _builders = builders;
    }

    /// <summary>Keys whose run is in progress.</summary>
    public IReadOnlyList<string> RunKeys { get; }

    /// <summary>Whether some run or build is in progress: it may read artifacts, draws and outputs no row names yet.</summary>
    public bool Busy => RunKeys.Count > 0 || _builders.Count > 0;

    /// <summary>What is in progress, in words, for a reason.</summary>
    public string Activity => RunKeys.Count > 0
        ? $"a run is in progress in the home (run {RunKeys[0][..Math.Min(12, RunKeys[0].Length)]}) and may read it"
        : "a build is in progress in the home (a builder lock is held) and may read it";

    public bool IsRunning(string runKey) => RunKeys.Contains(runKey, StringComparer.Ordinal);

    /// <summary>Whether the builder lock of <paramref name="kind"/>/<paramref name="hash"/> in the cache at <paramref name="root"/> is held.</summary>
    public bool IsBuilding(string root, string kind, string hash) => _builders.Contains(BuilderLock(root, kind, hash));

    /// <summary>Whether any builder lock of <paramref name="hash"/> (of whatever kind) in the cache at <paramref name="root"/> is held.</summary>
    public bool IsBuildingAny(string root, string hash) => _builders.Intersect(BuilderLocks(root, hash)).Any();

    /// <summary>The builder lock files of <paramref name="hash"/> that exist in the cache at <paramref name="root"/>, of whatever kind.</summary>
    public static IReadOnlyList<string> BuilderLocks(string root, string hash) =>
        [.. HomeLayout.Entries(Path.Combine(root, HomeLayout.BuilderLocks)).Where(path => Path.GetFileName(path).EndsWith($"-{hash}.lock", StringComparison.Ordinal))];

    /// <summary>The builder lock file of an artifact (<c>ArtifactCache</c>'s naming).</summary>
    public static string BuilderLock(string root, string kind, string hash) => Path.Combine(root, HomeLayout.BuilderLocks, $"{kind}-{hash}.lock");

    /// <param name="except">Lock files not to count: those the caller holds itself.</param>
    public static HeldLocks Read(string home, IReadOnlyCollection<string>? except = null)
    {
        except ??= [];
        var runKeys = HomeLayout.Entries(Path.Combine(home, HomeLayout.Locks))
            .Select(Path.GetFileName).OfType<string>()
            .Where(name => name.StartsWith("run-", StringComparison.Ordinal) && name.EndsWith(".lock", StringComparison.Ordinal))
            .Select(name => name["run-".Length..^".lock".Length])
            .Where(key => !except.Contains(RunLocks.PathFor(home, key)) && RunLocks.IsRunning(home, key)).ToList();
        var roots = HomeLayout.Entries(Path.Combine(home, HomeLayout.Cache)).Prepend(Path.Combine(home, HomeLayout.Artifacts));
        var builders = roots.SelectMany(root => HomeLayout.Entries(Path.Combine(root, HomeLayout.BuilderLocks)))
            .Where(path => !except.Contains(path) && ExclusiveFileLock.IsHeld(path)).ToHashSet(StringComparer.Ordinal);
        return new HeldLocks(runKeys, builders);
    }
}
