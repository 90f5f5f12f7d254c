namespace AlpacaFarm.Runner.Sandbox;

/// <summary>
/// One worker process to start: the plugin it serves, what it may read and write, its CPU threads and limits. Paths are
/// absolute and appear at the same paths inside the sandbox.
/// </summary>
/// <param name="PluginFolder">The plugin's folder (read-only).</param>
/// <param name="EntryAssembly">The plugin's entry assembly, a file name in <paramref name="PluginFolder"/>.</param>
/// <param name="ReadOnly">Files or folders the method reads (the SFT policy, the reward model, the pairs).</param>
/// <param name="Writable">Folders the method writes (its work directory and its cache folder); the first is its working directory.</param>
/// <param name="Threads">CPU threads: the worker is held to this many processors.</param>
public sealed record WorkerLaunch(string PluginFolder, string EntryAssembly, IReadOnlyList<string> ReadOnly, IReadOnlyList<string> Writable,
    int Threads, WorkerLimits Limits)
{
    /// <summary>The worker's folder, beside the host's assembly: the worker, the contract, the SDK, TorchSharp and the channel.</summary>
    public static string WorkerFolder => Path.Combine(AppContext.BaseDirectory, "worker");

    /// <summary>The worker's entry assembly.</summary>
    public static string WorkerAssembly => Path.Combine(WorkerFolder, "alpacafarm-worker.dll");
}
