using AlpacaFarm.Abstractions.Preferences;
using AlpacaFarm.Abstractions.Reporting;

namespace AlpacaFarm.Remoting;

/// <summary>
/// What a worker may ask of the host: the preference service (the host keeps the budget) and the reporter. Nothing else of
/// the host is reachable from the worker.
/// </summary>
public interface IHostService
{
    Task<IReadOnlyList<PreferenceLabel>> AnnotateAsync(IReadOnlyList<PreferenceQuery> queries, CancellationToken cancellationToken);

    Task<PreferenceBudget> GetBudgetAsync(CancellationToken cancellationToken);

    Task ReportAsync(MethodProgress progress);

    Task LogAsync(MethodLogLevel level, string message);

    Task ReportArtifactAsync(MethodArtifact artifact);
}
