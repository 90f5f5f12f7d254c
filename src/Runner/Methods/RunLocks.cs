using AlpacaFarm.Modeling.Checkpoints;

namespace AlpacaFarm.Runner.Methods;

/// <summary>
/// One process at a time per run key: the running process holds <c>locks/run-KEY.lock</c> under the home for the whole run.
/// The lock dies with its process, so a run recorded as running whose lock is free was interrupted.
/// </summary>
public static class RunLocks
{
    /// <summary>The lock file of <paramref name="runKey"/> in <paramref name="home"/>.</summary>
    public static string PathFor(string home, string runKey) => Path.Combine(home, "locks", $"run-{runKey}.lock");

    /// <summary>Takes the key's lock, waiting (after calling <paramref name="waiting"/> once) while another process holds it.</summary>
    public static ExclusiveFileLock Acquire(string home, string runKey, Action? waiting, CancellationToken cancellationToken) =>
        ExclusiveFileLock.Acquire(PathFor(home, runKey), waiting, cancellationToken);

    /// <summary>Whether some live process is running <paramref name="runKey"/> in <paramref name="home"/>; reads only.</summary>
    public static bool IsRunning(string home, string runKey) => ExclusiveFileLock.IsHeld(PathFor(home, runKey));
}
