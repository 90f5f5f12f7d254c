using System.Globalization;

namespace AlpacaFarm.Runner.Sandbox;

/// <summary>
/// A memory cgroup of its own for one worker, where this process may create one (cgroup v2 with the memory controller
/// delegated, or v1's memory hierarchy): the kernel holds the worker's whole process tree, libtorch's allocations
/// included, to the limit and kills it past it. Where none can be created the worker runs without, and the host's
/// watchdog on its resident memory is the limit.
/// </summary>
internal sealed class MemoryCgroup : IDisposable
{
    private readonly string _folder;
    private readonly bool _v2;

    private MemoryCgroup(string folder, bool v2) => (_folder, _v2) = (folder, v2);

    /// <summary>"cgroup v2" or "cgroup v1".</summary>
    public string Kind => _v2 ? "cgroup v2" : "cgroup v1";

    /// <summary>The file a process writes its id into to join the cgroup.</summary>
    public string ProcessesFile => Path.Combine(_folder, "cgroup.procs");

    /// <summary>Whether the kernel killed a process of the cgroup for its limit.</summary>
    public bool OutOfMemory
    {
        get
        {
            try
            {
                var events = File.ReadAllLines(Path.Combine(_folder, _v2 ? "memory.events" : "memory.oom_control"));
                return events.Any(line => line.StartsWith("oom_kill ", StringComparison.Ordinal) && line.Split(' ')[1] != "0");
            }
            catch (IOException)
            {
                return false;
            }
        }
    }

    /// <summary>A new cgroup limited to <paramref name="bytes"/> below this process's own; null where none can be made.</summary>
    public static MemoryCgroup? TryCreate(long bytes)
    {
        if (!OperatingSystem.IsLinux()) return null;
        try
        {
            foreach (var line in File.ReadAllLines("/proc/self/cgroup"))
            {
                var parts = line.Split(':', 3);
                if (parts.Length != 3) continue;
                if (parts[0] == "0" && parts[1] == "" && File.Exists("/sys/fs/cgroup/cgroup.controllers")
                    && File.ReadAllText("/sys/fs/cgroup/cgroup.controllers").Split(' ', StringSplitOptions.TrimEntries).Contains("memory"))
                    return Create(Path.Combine("/sys/fs/cgroup", parts[2].TrimStart('/')), v2: true, bytes);
                if (parts[1].Split(',').Contains("memory"))
                    return Create(Path.Combine("/sys/fs/cgroup/memory", parts[2].TrimStart('/')), v2: false, bytes);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
        return null;
    }

    private static MemoryCgroup? Create(string parent, bool v2, long bytes)
    {
        // A host killed outright leaves its workers' cgroups behind (their processes died with it): those of hosts that are
        // gone are removed once empty. A live host's are its own, even while empty (a worker about to join).
        foreach (var stale in Directory.EnumerateDirectories(parent, "alpacafarm-worker-*"))
            if (HostOf(stale) is { } host && !IsAlive(host) && Processes(stale) is { Count: 0 }) TryRemove(stale);
        var folder = Path.Combine(parent, $"alpacafarm-worker-{Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}-{Guid.NewGuid():N}");
        try
        {
            Directory.CreateDirectory(folder);
            var limit = bytes.ToString(CultureInfo.InvariantCulture);
            if (v2)
            {
                File.WriteAllText(Path.Combine(folder, "memory.max"), limit);
                TryWrite(Path.Combine(folder, "memory.swap.max"), "0");
            }
            else
            {
                File.WriteAllText(Path.Combine(folder, "memory.limit_in_bytes"), limit);
                TryWrite(Path.Combine(folder, "memory.memsw.limit_in_bytes"), limit);
            }
            return new MemoryCgroup(folder, v2);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryRemove(folder);
            return null;
        }
    }

    /// <summary>
    /// Kills every process left in the cgroup (whatever the worker started, in its tree or not), waits until the kernel has
    /// moved them out, and removes the cgroup.
    /// </summary>
    public void Dispose()
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (Processes(_folder) is { Count: > 0 } left && DateTime.UtcNow < deadline)
        {
            foreach (var pid in left)
            {
                try { System.Diagnostics.Process.GetProcessById(pid).Kill(); }
                catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception) { }
            }
            Thread.Sleep(20);
        }
        TryRemove(_folder);
    }

    private static int? HostOf(string folder) =>
        Path.GetFileName(folder).Split('-') is [_, _, var pid, _] && int.TryParse(pid, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;

    private static bool IsAlive(int pid) => Directory.Exists($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}");

    private static List<int>? Processes(string folder)
    {
        try
        {
            return [.. File.ReadAllLines(Path.Combine(folder, "cgroup.procs")).Where(line => line.Length > 0).Select(line => int.Parse(line, CultureInfo.InvariantCulture))];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static void TryWrite(string path, string text)
    {
        try { File.WriteAllText(path, text); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }

    private static void TryRemove(string folder)
    {
        try { Directory.Delete(folder); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }
}
