using System.Diagnostics;

namespace AlpacaFarm.Runner.Sandbox;

/// <summary>
/// Starts a worker from a thread of its own that lives until the worker exits. bubblewrap's --die-with-parent asks the
/// kernel (PR_SET_PDEATHSIG) to kill the sandbox when its parent dies, and Linux counts the *thread* that forked it as
/// the parent: started from a thread-pool thread, a worker was killed (SIGKILL, exit 137) whenever the pool retired that
/// thread, minutes into a run.
/// </summary>
internal static class ParentThread
{
    /// <summary>Starts <paramref name="start"/> on a new background thread, which then waits for the process to exit.</summary>
    public static Process Start(ProcessStartInfo start)
    {
        var started = new TaskCompletionSource<Process>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            Process process;
            try
            {
                process = Process.Start(start) ?? throw new InvalidOperationException($"{start.FileName} could not be started");
            }
            catch (Exception e)
            {
                started.SetException(e);
                return;
            }
            started.SetResult(process);
            // Whoever owns the process may dispose it while this thread waits: the thread only has to outlive the process.
            try { process.WaitForExit(); }
            catch (Exception e) when (e is InvalidOperationException or ObjectDisposedException or System.ComponentModel.Win32Exception) { }
        })
        { IsBackground = true, Name = "worker parent" };
        thread.Start();
        return started.Task.GetAwaiter().GetResult();
    }
}
