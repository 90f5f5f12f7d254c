using AlpacaFarm.Abstractions.Preferences;

namespace AlpacaFarm.Tests.Methods;

/// <summary>A preference service for methods that must ask for no labels: asking fails the test.</summary>
internal sealed class NoLabels : IPreferenceService
{
    public Task<IReadOnlyList<PreferenceLabel>> AnnotateAsync(IReadOnlyList<PreferenceQuery> queries, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("the method should ask for no labels");

    public Task<PreferenceBudget> GetBudgetAsync(CancellationToken cancellationToken) => Task.FromResult(new PreferenceBudget(0, 0, 0));
}
