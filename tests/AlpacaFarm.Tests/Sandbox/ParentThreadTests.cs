using System.Diagnostics;
using AlpacaFarm.Runner.Sandbox;

namespace AlpacaFarm.Tests.Sandbox;

/// <summary>
/// bubblewrap's --die-with-parent ties a sandbox to the thread that forked it (PR_SET_PDEATHSIG): a worker started from a
/// thread that then ends must live on, as a worker started from a thread-pool thread must when the pool retires the thread.
/// </summary>
public sealed class ParentThreadTests
{
    [SandboxFact]
    public void A_sandbox_outlives_the_thread_that_asked_for_it()
    {
        Process? process = null;
        var caller = new Thread(() =>
        {
            process = ParentThread.Start(new ProcessStartInfo("bwrap",
                ["--unshare-all", "--die-with-parent", "--ro-bind", "/", "/", "sh", "-c", "echo ready && exec sleep 600"])
            { RedirectStandardOutput = true });
            // The sandbox is up (bubblewrap has asked for its parent-death signal) before the caller ends.
            Assert.Equal("ready", process.StandardOutput.ReadLine());
        });
        caller.Start();
        caller.Join();
        try
        {
            // Tied to the caller, the kernel would have sent SIGKILL as it ended: the sandbox would be gone within milliseconds.
            var exited = process!.WaitForExit(TimeSpan.FromSeconds(2));
            Assert.False(exited, exited ? $"the sandbox exited with code {process.ExitCode}" : null);
        }
        finally
        {
            process!.Kill(entireProcessTree: true);
            process.WaitForExit();
        }
    }
}
