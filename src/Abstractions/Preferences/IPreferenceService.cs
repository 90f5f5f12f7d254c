namespace AlpacaFarm.Abstractions.Preferences;

/// <summary>The simulated-preference service: pairs in, judgments out, within a label budget.</summary>
public interface IPreferenceService
{
    /// <summary>One label per query, in order. Throws when the request would exceed the budget.</summary>
    Task<IReadOnlyList<PreferenceLabel>> AnnotateAsync(IReadOnlyList<PreferenceQuery> queries, CancellationToken cancellationToken);

    Task<PreferenceBudget> GetBudgetAsync(CancellationToken cancellationToken);
}
