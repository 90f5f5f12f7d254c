using System.Diagnostics;
using System.Runtime.InteropServices;

namespace AlpacaFarm.Tests.Cli;

/// <summary>
/// The alpacafarm CLI in a real child process, for what only a process shows: signals, kills, two processes at once. SIGINT
/// is reset to its default action in the child (coreutils' <c>env --default-signal</c>): a test host started as a
/// background job of a non-interactive shell ignores SIGINT, and a child would inherit that. Standard error is read line by
/// line, so a test can wait for a line as a barrier.
/// </summary>
public sealed class ChildCli : IDisposable
{
    public const int SigInt = 2;
    public const int SigKill = 9;
    public const int SigTerm = 15;

    // Guards against a hung child, never a measurement: every wait here ends on an event long before.
    private static readonly TimeSpan Guard = TimeSpan.FromMinutes(5);

    private readonly Process _process;
    private readonly Lock _gate = new();
    private readonly List<string> _errorLines = [];
    private readonly List<(Func<string, bool> Match, TaskCompletionSource<string> Seen)> _waiters = [];
    private readonly Task<string> _output;
    private readonly TaskCompletionSource _errorClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ChildCli(Process process)
    {
        _process = process;
        _output = process.StandardOutput.ReadToEndAsync();
        process.ErrorDataReceived += (_, e) => OnErrorLine(e.Data);
        process.BeginErrorReadLine();
    }

    /// <summary>Starts <c>alpacafarm ARGS</c> from the test's output folder.</summary>
    public static ChildCli Start(params string[] args) => StartUnder([], args);

    /// <summary>Starts <c>alpacafarm ARGS</c> as the last arguments of <paramref name="wrapper"/> (a program and its arguments).</summary>
    public static ChildCli StartUnder(IReadOnlyList<string> wrapper, params string[] args)
    {
        string[] command = [.. wrapper, "env", "--default-signal=INT", "dotnet", Path.Combine(AppContext.BaseDirectory, "alpacafarm.dll"), .. args];
        var start = new ProcessStartInfo(command[0]) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in command[1..]) start.ArgumentList.Add(argument);
        return new ChildCli(Process.Start(start)!);
    }

    /// <summary>The child's process id (env execs dotnet, so it is the CLI's own).</summary>
    public int Id => _process.Id;

    /// <summary>The first standard-error line that <paramref name="match"/> accepts, now or when it comes.</summary>
    public async Task<string> WaitForErrorLine(Func<string, bool> match)
    {
        var seen = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (_errorLines.FirstOrDefault(match) is { } line) return line;
            _waiters.Add((match, seen));
        }
        var first = await Task.WhenAny(seen.Task, _errorClosed.Task).WaitAsync(Guard);
        if (first != seen.Task)
            throw new InvalidOperationException($"the child exited before the line came; its standard error:\n{string.Join('\n', ErrorLines)}");
        return await seen.Task;
    }

    /// <summary>Sends <paramref name="signal"/> to the child.</summary>
    public void Signal(int signal)
    {
        if (Kill(_process.Id, signal) != 0) throw new InvalidOperationException($"kill({_process.Id}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
    }

    /// <summary>Waits for the child to exit; its exit code and everything it printed.</summary>
    public async Task<CliResult> ExitAsync()
    {
        await _process.WaitForExitAsync().WaitAsync(Guard);
        await _errorClosed.Task.WaitAsync(Guard);
        return new CliResult(_process.ExitCode, await _output, string.Join('\n', ErrorLines));
    }

    /// <summary>Standard error so far, line by line.</summary>
    public IReadOnlyList<string> ErrorLines
    {
        get
        {
            lock (_gate) return [.. _errorLines];
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.Dispose();
    }

    private void OnErrorLine(string? line)
    {
        if (line is null)
        {
            _errorClosed.TrySetResult();
            return;
        }
        lock (_gate)
        {
            _errorLines.Add(line);
            foreach (var waiter in _waiters.Where(w => w.Match(line)).ToList())
            {
                waiter.Seen.TrySetResult(line);
                _waiters.Remove(waiter);
            }
        }
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
