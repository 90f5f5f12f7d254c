using System.Runtime.InteropServices;

namespace AlpacaFarm.Host.Cli;

/// <summary>Ends the process at once, skipping exit-time teardown.</summary>
internal static class ProcessExit
{
    /// <summary>
    /// Flushes the console and calls _exit: no atexit handlers or static destructors run. Only for a process that still has
    /// stray method work inside libtorch, whose teardown at a normal exit would crash under that work.
    /// </summary>
    public static void Immediately(int code, CliConsole console)
    {
        console.Out.Flush();
        console.Error.Flush();
        Exit(code);
    }

    // DllImport needs no unsafe code (LibraryImport's generated marshalling would).
#pragma warning disable SYSLIB1054
    [DllImport("libc", EntryPoint = "_exit")]
    private static extern void Exit(int code);
#pragma warning restore SYSLIB1054
}
