using AlpacaFarm.Abstractions.Preferences;
using AlpacaFarm.Abstractions.Reporting;
using AlpacaFarm.Remoting;
using AlpacaFarm.Evaluation.Annotators;
using AlpacaFarm.Runner.Methods;

namespace AlpacaFarm.Runner.Sandbox;

/// <summary>
/// The host's side of a worker's channel: the run's preference service (its budget kept here) and its reporter. A refusal
/// the service gives (budget, closed) is kept, so that a run the method lets it end is worded as the host words it in process.
/// </summary>
internal sealed class HostService(IPreferenceService preferences, IMethodReporter reporter) : IHostService
{
    /// <summary>The first refusal the preference service gave the worker.</summary>
    public Exception? Refusal { get; private set; }

    public async Task<IReadOnlyList<PreferenceLabel>> AnnotateAsync(IReadOnlyList<PreferenceQuery> queries, CancellationToken cancellationToken)
    {
        try
        {
            return await preferences.AnnotateAsync(queries ?? [], cancellationToken);
        }
        catch (Exception e) when (e is PreferenceBudgetExceededException or PreferenceServiceClosedException)
        {
            Refusal ??= e;
            throw;
        }
    }

    public Task<PreferenceBudget> GetBudgetAsync(CancellationToken cancellationToken) => preferences.GetBudgetAsync(cancellationToken);

    public Task ReportAsync(MethodProgress progress)
    {
        if (progress is not null) reporter.Report(progress);
        return Task.CompletedTask;
    }

    /// <summary>How much of the worker's log messages the host writes to the run's log; past it they are dropped, with one note.</summary>
    public const long LogCapacity = 16L << 20;

    private long _logged;

    public Task LogAsync(MethodLogLevel level, string message)
    {
        message ??= "";
        var before = Interlocked.Add(ref _logged, message.Length) - message.Length;
        if (before + message.Length <= LogCapacity) reporter.Log(level, message);
        else if (before <= LogCapacity) reporter.Log(MethodLogLevel.Warning, $"the method's log passed {LogCapacity >> 20} MiB: its further messages are dropped");
        return Task.CompletedTask;
    }

    public Task ReportArtifactAsync(MethodArtifact artifact)
    {
        if (artifact is not null) reporter.ReportArtifact(artifact);
        return Task.CompletedTask;
    }
}
