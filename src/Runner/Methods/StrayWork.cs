namespace AlpacaFarm.Runner.Methods;

/// <summary>
/// Method work that was asked to stop (a time-out, a cancel) and had not stopped when its run was recorded. A thread cannot
/// be killed in process, and a process that exits normally while such a thread is inside libtorch crashes in libtorch's
/// exit-time teardown; the host asks <see cref="AnyRunning"/> before it exits and, if so, ends the process at once.
/// </summary>
public static class StrayWork
{
    private static readonly Lock Gate = new();
    private static readonly List<Task> Tasks = [];

    /// <summary>Remembers <paramref name="work"/> until it ends.</summary>
    public static void Add(Task work)
    {
        ArgumentNullException.ThrowIfNull(work);
        lock (Gate) Tasks.Add(work);
    }

    /// <summary>Whether any remembered work is still running.</summary>
    public static bool AnyRunning
    {
        get
        {
            lock (Gate) return Tasks.Any(task => !task.IsCompleted);
        }
    }
}
