using AlpacaFarm.Abstractions.Preferences;

namespace AlpacaFarm.Evaluation.Annotators;

/// <summary>A request that would take a method past its label budget.</summary>
public sealed class PreferenceBudgetExceededException(string message) : Exception(message);

/// <summary>
/// The preference service handed to a method: the training pool within a budget counted in labels delivered —
/// cached and coin-flipped labels included, since they carry the same information. Dollars count only real
/// annotator calls (the labels' prices). A request larger than what remains is refused whole, delivering nothing.
/// </summary>
public sealed class BudgetedPreferenceService(IPreferenceService pool, int labelLimit) : IPreferenceService
{
    private readonly Lock _gate = new();
    private int _delivered;
    private double _dollars;

    public async Task<IReadOnlyList<PreferenceLabel>> AnnotateAsync(IReadOnlyList<PreferenceQuery> queries, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_delivered + queries.Count > labelLimit)
                throw new PreferenceBudgetExceededException(
                    $"preference budget exceeded: asked for {queries.Count} labels, {labelLimit - _delivered} of {labelLimit} remain");
            _delivered += queries.Count; // reserved now so concurrent calls cannot overshoot together
        }
        try
        {
            var labels = await pool.AnnotateAsync(queries, cancellationToken);
            lock (_gate) _dollars += labels.Sum(label => label.Price);
            return labels;
        }
        catch
        {
            lock (_gate) _delivered -= queries.Count; // nothing delivered
            throw;
        }
    }

    public Task<PreferenceBudget> GetBudgetAsync(CancellationToken cancellationToken)
    {
        lock (_gate) return Task.FromResult(new PreferenceBudget(labelLimit, _delivered, _dollars));
    }
}
