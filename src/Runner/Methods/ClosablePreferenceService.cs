using AlpacaFarm.Abstractions.Preferences;

namespace AlpacaFarm.Runner.Methods;

/// <summary>A method asked for labels after its run returned (while its policy is evaluated, say).</summary>
public sealed class PreferenceServiceClosedException(string message) : InvalidOperationException(message);

/// <summary>
/// The preference service as a method holds it: open while RunAsync runs, closed once it returns, so that a policy cannot
/// consult the training pool while it is being evaluated.
/// </summary>
public sealed class ClosablePreferenceService(IPreferenceService inner) : IPreferenceService
{
    private volatile bool _closed;

    public void Close() => _closed = true;

    public Task<IReadOnlyList<PreferenceLabel>> AnnotateAsync(IReadOnlyList<PreferenceQuery> queries, CancellationToken cancellationToken) =>
        _closed
            ? throw new PreferenceServiceClosedException("the preference service is closed: the method's run has returned, and a policy may not ask for labels while it is evaluated")
            : inner.AnnotateAsync(queries, cancellationToken);

    public Task<PreferenceBudget> GetBudgetAsync(CancellationToken cancellationToken) => inner.GetBudgetAsync(cancellationToken);
}
