using System.Diagnostics;
using System.Runtime.InteropServices;

namespace AlpacaFarm.Runner.Sandbox;

/// <summary>
/// The Linux sandbox a worker runs in: Debian's bubblewrap, with every namespace unshared (no network, its own PIDs, IPC and
/// host name), an emptied environment, private /tmp, /proc and /dev, a new session, and death with its parent. Its mount
/// namespace holds only the system libraries, the .NET runtime, the worker's folder (with the libtorch natives), the plugin
/// folder and the run's inputs, read-only, and the run's work and cache folders, writable.
/// </summary>
public static class Bubblewrap
{
    /// <summary>Where the host's socket folder appears inside the sandbox.</summary>
    public const string SocketFolder = "/run/alpacafarm";

    private static readonly Lazy<string?> Probed = new(Probe);

    /// <summary>"bubblewrap VERSION" where a sandbox can be made here, else null (with <see cref="Unavailable"/> saying why).</summary>
    public static string? Available => Probed.Value;

    /// <summary>Why no sandbox can be made here, for the one-line refusal.</summary>
    public static string Unavailable { get; private set; } = "";

    /// <summary>The environment a worker gets: nothing of the host's but the settings its floats depend on.</summary>
    public static IReadOnlyDictionary<string, string> Environment(string dotnetRoot)
    {
        var variables = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["HOME"] = "/tmp",
            ["TMPDIR"] = "/tmp",
            ["DOTNET_ROOT"] = dotnetRoot,
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["DOTNET_NOLOGO"] = "1",
        };
        // libtorch's kernel choice: a lowered instruction set rounds otherwise, and a submitted row must match an in-process one.
        foreach (var name in new[] { "ATEN_CPU_CAPABILITY", "ONEDNN_MAX_CPU_ISA", "MKL_CBWR" })
            if (System.Environment.GetEnvironmentVariable(name) is { } value) variables[name] = value;
        return variables;
    }

    /// <summary>bwrap's arguments for <paramref name="launch"/>, up to and including the command it runs.</summary>
    public static IReadOnlyList<string> Arguments(WorkerLaunch launch, string socketFolder, string dotnetRoot, IReadOnlyList<string> command)
    {
        var args = new List<string> { "--unshare-all", "--die-with-parent", "--new-session", "--clearenv" };
        foreach (var (name, value) in Environment(dotnetRoot)) args.AddRange(["--setenv", name, value]);
        // The private /tmp first: later binds may lie under /tmp (a home there) and are mounted on top of it.
        args.AddRange(["--tmpfs", "/tmp", "--proc", "/proc", "--dev", "/dev"]);
        args.AddRange(SystemLibraries());
        // A host installed under /usr would be visible through it: its folder is hidden, the worker's bound back below.
        var hostFolder = Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory);
        if (hostFolder.StartsWith("/usr/", StringComparison.Ordinal)) args.AddRange(["--tmpfs", hostFolder]);
        // Each bound at its own path, even one /usr already shows (a bind over itself is harmless, and the worker's folder
        // may lie inside the hidden host folder).
        foreach (var path in new[] { dotnetRoot, WorkerLaunch.WorkerFolder, launch.PluginFolder }.Concat(launch.ReadOnly).Distinct(StringComparer.Ordinal))
            args.AddRange(["--ro-bind", path, path]);
        foreach (var path in launch.Writable) args.AddRange(["--bind", path, path]);
        args.AddRange(["--bind", socketFolder, SocketFolder]);
        args.AddRange(["--chdir", launch.Writable.Count > 0 ? launch.Writable[0] : "/tmp", "--"]);
        args.AddRange(command);
        return args;
    }

    /// <summary>The system's programs and libraries, read-only: /usr, and /lib, /lib64, /bin… as links or folders as they are here.</summary>
    private static IEnumerable<string> SystemLibraries()
    {
        yield return "--ro-bind";
        yield return "/usr";
        yield return "/usr";
        foreach (var top in new[] { "/lib", "/lib64", "/lib32", "/bin", "/sbin" })
        {
            var info = new FileInfo(top);
            if (info.LinkTarget is { } target)
            {
                yield return "--symlink";
                yield return target;
                yield return top;
            }
            else if (Directory.Exists(top))
            {
                yield return "--ro-bind";
                yield return top;
                yield return top;
            }
        }
        yield return "--ro-bind-try";
        yield return "/etc/ld.so.cache";
        yield return "/etc/ld.so.cache";
    }

    private static string? Probe()
    {
        if (!OperatingSystem.IsLinux())
        {
            Unavailable = "bubblewrap sandboxes run on Linux only";
            return null;
        }
        try
        {
            var start = new ProcessStartInfo("bwrap") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var arg in new[] { "--unshare-all", "--die-with-parent", "--proc", "/proc", "--dev", "/dev" }.Concat(SystemLibraries()).Concat(["--", "/usr/bin/true"]))
                start.ArgumentList.Add(arg);
            using var probe = Process.Start(start)!;
            var error = probe.StandardError.ReadToEnd();
            probe.WaitForExit();
            if (probe.ExitCode != 0)
            {
                Unavailable = $"bubblewrap cannot make a sandbox here: {error.Split('\n')[0].Trim()}";
                return null;
            }
            using var version = Process.Start(new ProcessStartInfo("bwrap", "--version") { RedirectStandardOutput = true })!;
            var text = version.StandardOutput.ReadToEnd().Trim();
            version.WaitForExit();
            return text.Length == 0 ? "bubblewrap" : text;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // Not found on PATH.
            Unavailable = "bubblewrap (bwrap) is not installed (Debian: apt-get install bubblewrap)";
            return null;
        }
    }

    /// <summary>The .NET installation this host runs on (its runtime folder's root).</summary>
    public static string DotnetRoot() =>
        Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));
}
