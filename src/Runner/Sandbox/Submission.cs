namespace AlpacaFarm.Runner.Sandbox;

/// <summary>
/// A method submitted as a plugin folder (<c>alpacafarm submit</c>): run in a worker process, never loaded by the host, its
/// rows named <c>NAME-RECIPE-sSEED</c> and marked community.
/// </summary>
/// <param name="PluginFolder">The plugin's folder.</param>
/// <param name="MethodId">The method of the plugin to run.</param>
/// <param name="Name">The rows' name before recipe and seed; null for PLUGIN-ID.METHOD.</param>
/// <param name="Overrides">Hyperparameter overrides, checked against the method's table (which the worker reports).</param>
/// <param name="MemoryLimitBytes">Resident memory of the worker past which it is killed.</param>
public sealed record Submission(string PluginFolder, string MethodId, string? Name, IReadOnlyDictionary<string, string> Overrides,
    long MemoryLimitBytes = WorkerLimits.DefaultMemoryBytes);

/// <summary>What a planned method that was submitted carries besides its plugin: the rows' name and the sandbox it runs in.</summary>
/// <param name="Name">The rows' name before recipe and seed.</param>
/// <param name="Sandbox">"bubblewrap 0.8.0", or "none (--trust)".</param>
/// <param name="MemoryLimitBytes">The worker's memory limit.</param>
/// <param name="MemoryLimitBy">What holds it there: "cgroup v1 and watchdog", "cgroup v2 and watchdog" or "watchdog".</param>
public sealed record SubmittedAs(string Name, string Sandbox, long MemoryLimitBytes, string MemoryLimitBy);
