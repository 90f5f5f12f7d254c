using AlpacaFarm.Abstractions.Preferences;
using AlpacaFarm.Abstractions.Reporting;
using AlpacaFarm.Remoting;

namespace AlpacaFarm.Worker;

/// <summary>The preference service a method in the worker sees: every call goes to the host, which keeps the budget.</summary>
internal sealed class HostPreferences(IHostService host) : IPreferenceService
{
    public Task<IReadOnlyList<PreferenceLabel>> AnnotateAsync(IReadOnlyList<PreferenceQuery> queries, CancellationToken cancellationToken) =>
        host.AnnotateAsync(queries, cancellationToken);

    public Task<PreferenceBudget> GetBudgetAsync(CancellationToken cancellationToken) => host.GetBudgetAsync(cancellationToken);
}

/// <summary>
/// The reporter a method in the worker sees. Its calls return at once, as in the host; they reach the host in the order made
/// (each waits for the one before), and <see cref="FlushAsync"/> waits for all of them before the run's result is sent.
/// </summary>
internal sealed class HostReporter(IHostService host) : IMethodReporter
{
    private readonly Lock _gate = new();
    private Task _last = Task.CompletedTask;

    public void Report(MethodProgress progress) => Then(() => host.ReportAsync(progress));

    public void Log(MethodLogLevel level, string message) => Then(() => host.LogAsync(level, message));

    public void ReportArtifact(MethodArtifact artifact) => Then(() => host.ReportArtifactAsync(artifact));

    public Task FlushAsync()
    {
        lock (_gate) return _last;
    }

    private void Then(Func<Task> send)
    {
        lock (_gate) _last = _last.ContinueWith(_ => send(), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default).Unwrap();
    }
}
