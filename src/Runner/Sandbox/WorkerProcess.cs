using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using AlpacaFarm.Remoting;
using StreamJsonRpc;

namespace AlpacaFarm.Runner.Sandbox;

/// <summary>
/// A running worker: its process (in bubblewrap, or bare under --trust), the channel to it over a socket of its own, a
/// watchdog on its memory, and its output in a capped log. Disposing it kills the whole process tree; so does a limit.
/// </summary>
public sealed class WorkerProcess : IAsyncDisposable
{
    /// <summary>How long a worker may take to connect before it is given up.</summary>
    public static TimeSpan ConnectTimeout { get; } = TimeSpan.FromMinutes(2);

    /// <summary>The most a worker may send the host over its channel in all (outputs, reports, log lines).</summary>
    public const long ChannelCapacity = 256L << 20;

    /// <summary>How often the watchdog reads the worker's resident memory.</summary>
    private static readonly TimeSpan WatchInterval = TimeSpan.FromMilliseconds(100);

    private readonly Process _process;
    private readonly DirectoryInfo _socketFolder;
    private readonly CappedLog _log;
    private readonly JsonRpc _rpc;
    private readonly CancellationTokenSource _watch = new();
    private readonly Task _watchdog;
    private readonly Task _drained;
    private readonly long _memoryLimit;
    private readonly MemoryCgroup? _cgroup;

    private WorkerProcess(Process process, DirectoryInfo socketFolder, CappedLog log, JsonRpc rpc, Task drained, long memoryLimit, MemoryCgroup? cgroup)
    {
        (_process, _socketFolder, _log, _rpc, _drained, _memoryLimit, _cgroup) = (process, socketFolder, log, rpc, drained, memoryLimit, cgroup);
        Worker = rpc.Attach<IWorkerService>();
        _watchdog = Task.Run(WatchAsync);
    }

    /// <summary>The worker's service, through the channel.</summary>
    public IWorkerService Worker { get; }

    /// <summary>The limit the worker broke, in words, once the host killed it for that; null otherwise.</summary>
    public string? Violation { get; private set; }

    /// <summary>How the worker came to be unreachable, for a failed run's reason: a limit, its exit code, its last error line.</summary>
    public string DeathReason()
    {
        if (Violation is { } violation) return violation;
        if (!_process.WaitForExit(TimeSpan.FromSeconds(5))) return "its worker stopped answering";
        if (_cgroup is { OutOfMemory: true }) return $"{MemoryViolation(_memoryLimit)} (the kernel's {_cgroup.Kind} limit killed it)";
        var code = _process.ExitCode;
        return $"its worker exited with code {code.ToString(CultureInfo.InvariantCulture)}" + (_log.LastError is { } line ? $" ({line})" : "");
    }

    /// <summary>Starts a worker for <paramref name="launch"/>, serving <paramref name="host"/> to it, and waits until it has connected.</summary>
    /// <param name="logPath">Where its stdout and stderr go (capped).</param>
    /// <param name="sandbox">True to run it in bubblewrap (the caller has checked that one can be made), false to run it bare.</param>
    public static async Task<WorkerProcess> StartAsync(WorkerLaunch launch, IHostService host, string logPath, bool sandbox, CancellationToken cancellationToken)
    {
        if (!File.Exists(WorkerLaunch.WorkerAssembly)) throw new InvalidOperationException($"the worker is missing from {WorkerLaunch.WorkerFolder}: rebuild the host");
        // A short path: a Unix socket's path may hold only about 100 bytes, and a home's may be longer.
        var socketFolder = Directory.CreateTempSubdirectory("af-rpc-");
        var socketPath = Path.Combine(socketFolder.FullName, "s");
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(socketPath));
        listener.Listen(1);

        var dotnetRoot = Bubblewrap.DotnetRoot();
        var dotnet = Path.Combine(dotnetRoot, "dotnet");
        var inside = sandbox ? Path.Combine(Bubblewrap.SocketFolder, "s") : socketPath;
        string[] command = [dotnet, WorkerLaunch.WorkerAssembly, RpcChannel.SocketArgument, inside, RpcChannel.AssemblyArgument,
            Path.Combine(launch.PluginFolder, launch.EntryAssembly)];
        var arguments = sandbox ? Bubblewrap.Arguments(launch, socketFolder.FullName, dotnetRoot, command) : command.Skip(1).ToList();
        // Held to its CPU threads by affinity (taskset, util-linux) where the machine has more processors than that.
        var program = sandbox ? "bwrap" : dotnet;
        if (launch.Threads < System.Environment.ProcessorCount && OnPath("taskset"))
        {
            arguments = ["-c", $"0-{launch.Threads - 1}", program, .. arguments];
            program = "taskset";
        }
        // The kernel's limit where a cgroup can be made: the worker joins it before it execs anything (the watchdog stays).
        var cgroup = MemoryCgroup.TryCreate(launch.Limits.MemoryBytes);
        if (cgroup is not null)
        {
            arguments = ["-c", "echo $$ > \"$0\" && exec \"$@\"", cgroup.ProcessesFile, program, .. arguments];
            program = "/bin/sh";
        }
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            WorkingDirectory = launch.Writable.Count > 0 ? launch.Writable[0] : Path.GetTempPath(),
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        start.Environment.Clear();
        foreach (var (name, value) in Bubblewrap.Environment(dotnetRoot)) start.Environment[name] = value;
        start.Environment["PATH"] = "/usr/bin:/bin";

        var process = ParentThread.Start(start);
        process.StandardInput.Close();
        var log = new CappedLog(logPath, 1 << 20);
        var drained = Task.WhenAll(log.DrainAsync(process.StandardOutput.BaseStream, isError: false), log.DrainAsync(process.StandardError.BaseStream, isError: true));
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(ConnectTimeout);
            var accept = listener.AcceptAsync(timeout.Token).AsTask();
            var exited = process.WaitForExitAsync(timeout.Token);
            if (await Task.WhenAny(accept, exited) != accept || !accept.IsCompletedSuccessfully)
            {
                cancellationToken.ThrowIfCancellationRequested();
                await drained.WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None).ContinueWith(_ => { }, TaskScheduler.Default);
                throw new InvalidOperationException(process.HasExited
                    ? $"the worker exited with code {process.ExitCode} before it connected" + (log.LastError is { } line ? $": {line}" : "")
                    : $"the worker did not connect within {ConnectTimeout.TotalSeconds:F0} s");
            }
            WorkerProcess? started = null;
            var channel = new CappedReadStream(new NetworkStream(accept.Result, ownsSocket: true), ChannelCapacity,
                () => started?.Stop($"its worker sent more than {ChannelCapacity >> 20} MiB over its channel"));
            var rpc = RpcChannel.Start(channel, host);
            return started = new WorkerProcess(process, socketFolder, log, rpc, drained, launch.Limits.MemoryBytes, cgroup);
        }
        catch
        {
            Kill(process);
            process.WaitForExit(TimeSpan.FromSeconds(30));
            cgroup?.Dispose();
            log.Dispose();
            socketFolder.Delete(recursive: true);
            process.Dispose();
            throw;
        }
    }

    /// <summary>Kills the worker for breaking a limit; <see cref="DeathReason"/> then gives <paramref name="violation"/>.</summary>
    public void Stop(string violation)
    {
        Violation ??= violation;
        Kill(_process);
    }

    public async ValueTask DisposeAsync()
    {
        await _watch.CancelAsync();
        Kill(_process);
        // Reaped before the run is recorded: no worker outlives its run.
        await _process.WaitForExitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30)).ContinueWith(_ => { }, TaskScheduler.Default);
        _rpc.Dispose();
        await _watchdog.ContinueWith(_ => { }, TaskScheduler.Default);
        await _drained.WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(_ => { }, TaskScheduler.Default);
        _log.Dispose();
        _process.Dispose();
        _cgroup?.Dispose();
        _watch.Dispose();
        try { _socketFolder.Delete(recursive: true); }
        catch (IOException) { }
    }

    private async Task WatchAsync()
    {
        using var timer = new PeriodicTimer(WatchInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(_watch.Token) && !_process.HasExited)
            {
                var resident = ResidentBytes(_process.Id);
                if (resident > _memoryLimit)
                {
                    Stop($"{MemoryViolation(_memoryLimit)} ({ByteText(resident)} resident)");
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Private resident memory of a process and all its descendants, from /proc (the sandbox's own PID namespace included).</summary>
    internal static long ResidentBytes(int root)
    {
        long total = 0;
        var pending = new Stack<int>([root]);
        while (pending.TryPop(out var pid))
        {
            try
            {
                // Anonymous and shared-memory pages: what allocations take. File pages (libtorch's 460 MB library, mapped
                // by every worker) are left out, as the kernel reclaims them.
                foreach (var line in File.ReadLines($"/proc/{pid}/status"))
                {
                    var field = line.StartsWith("RssAnon:", StringComparison.Ordinal) ? "RssAnon:" : line.StartsWith("RssShmem:", StringComparison.Ordinal) ? "RssShmem:" : null;
                    if (field is not null) total += long.Parse(line[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
                }
                foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
                {
                    var children = File.ReadAllText(Path.Combine(task, "children"));
                    foreach (var child in children.Split(' ', StringSplitOptions.RemoveEmptyEntries)) pending.Push(int.Parse(child, CultureInfo.InvariantCulture));
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Gone between reads.
            }
        }
        return total;
    }

    private static bool OnPath(string program) =>
        (System.Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Any(folder => File.Exists(Path.Combine(folder, program)));

    private static string MemoryViolation(long limit) => $"its worker used more than the memory limit of {ByteText(limit)}";

    /// <summary>What holds a worker to its memory limit here: "cgroup v2" or "cgroup v1" with the watchdog, or the watchdog alone.</summary>
    public static string MemoryLimitBy(long bytes)
    {
        using var probe = MemoryCgroup.TryCreate(bytes);
        return probe is null ? "watchdog" : $"{probe.Kind} and watchdog";
    }

    private static string ByteText(long bytes) => bytes >= 1L << 30
        ? string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 30):0.#} GiB")
        : string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 20):0} MiB");

    private static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
        }
    }
}
