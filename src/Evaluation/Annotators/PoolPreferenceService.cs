using System.Text.Json;
using AlpacaFarm.Abstractions.Preferences;
using AlpacaFarm.Abstractions.Randomness;

namespace AlpacaFarm.Evaluation.Annotators;

/// <summary>
/// The annotator pool as a preference service: each pair goes to the member chosen from (instruction, seed); the
/// order the outputs are shown in is randomised from the same key and undone afterwards; identical outputs are a
/// draw without asking; cached verdicts are reused. Evaluation mode has no <paramref name="noise"/>; training mode
/// replaces labels by a coin keyed on the whole pair (instruction, output 1, output 2, seed), so pairs sharing an
/// instruction flip independently, and those rows ask nobody.
/// </summary>
public sealed class PoolPreferenceService(
    AnnotatorPool pool, IAnnotationCache cache, long seed, IProgress<int>? progress = null, LabelNoise? noise = null)
    : IPreferenceService
{
    /// <summary>Annotator id recorded for identical outputs, which nobody is asked about.</summary>
    public const string IdenticalOutputs = "identical-outputs";

    private const int BatchSize = 64;

    /// <summary>Pairs actually sent to an annotator (not cached, not identical, not coin-flipped).</summary>
    public int AnnotatorCalls { get; private set; }

    /// <summary>Dollars spent on those calls.</summary>
    public double DollarsSpent { get; private set; }

    /// <summary>One label per query: 1 = Output1 preferred, 2 = Output2 preferred; NaN where the annotator failed.</summary>
    public async Task<IReadOnlyList<PreferenceLabel>> AnnotateAsync(IReadOnlyList<PreferenceQuery> queries, CancellationToken cancellationToken)
    {
        var labels = new PreferenceLabel?[queries.Count];
        var plans = new Plan?[queries.Count];
        for (var i = 0; i < queries.Count; i++)
        {
            var query = queries[i];
            if (query.Output1 == query.Output2)
            {
                labels[i] = new PreferenceLabel(1.5, IdenticalOutputs, 0, 0);
                continue;
            }
            if (noise is not null)
            {
                var coin = KeyedRandom.Create("label-noise", JsonSerializer.Serialize(new[] { query.Instruction, query.Output1, query.Output2 }), seed);
                if (coin.NextDouble() < 2 * noise.FlipProbability)
                {
                    labels[i] = new PreferenceLabel(coin.NextBool() ? 1 : 2, LabelNoise.AnnotatorId, 0, 0);
                    continue;
                }
            }
            var member = pool.Members[KeyedRandom.Create("annotator", query.Instruction, seed).NextInt(pool.Members.Count)];
            var swap = KeyedRandom.Create("output-order", query.Instruction, seed).NextBool();
            var shown = swap ? new PairToJudge(query.Instruction, query.Output2, query.Output1)
                             : new PairToJudge(query.Instruction, query.Output1, query.Output2);
            var key = new AnnotationKey($"{member.Id}@{member.ConfigurationHash}", shown.Instruction, shown.Output1, shown.Output2,
                member.IsRandom ? seed : null);
            plans[i] = new Plan(member, shown, swap, key);
        }

        var cached = cache.Get(plans.OfType<Plan>().Select(plan => plan.Key).Distinct().ToList());
        var done = 0;
        for (var i = 0; i < queries.Count; i++)
        {
            if (plans[i] is { } plan && cached.TryGetValue(plan.Key, out var hit))
                labels[i] = new PreferenceLabel(Unswap(hit.Preference, plan.Swap), plan.Member.Id, 0, 0);
            if (labels[i] is not null) done++;
        }
        progress?.Report(done);

        var pending = Enumerable.Range(0, queries.Count).Where(i => labels[i] is null).ToList();
        foreach (var group in pending.GroupBy(i => plans[i]!.Member))
        {
            foreach (var batch in group.Chunk(BatchSize))
            {
                var verdicts = await group.Key.JudgeAsync(batch.Select(i => plans[i]!.Shown).ToList(), seed, cancellationToken);
                if (verdicts.Count != batch.Length)
                    throw new InvalidOperationException($"annotator {group.Key.Id} returned {verdicts.Count} verdicts for {batch.Length} pairs");
                AnnotatorCalls += batch.Length;
                DollarsSpent += verdicts.Sum(verdict => verdict.Price);
                var fresh = new List<KeyValuePair<AnnotationKey, CachedVerdict>>();
                for (var b = 0; b < batch.Length; b++)
                {
                    var (plan, verdict) = (plans[batch[b]]!, verdicts[b]);
                    labels[batch[b]] = new PreferenceLabel(verdict.Preference is { } p ? Unswap(p, plan.Swap) : double.NaN,
                        plan.Member.Id, verdict.Price, verdict.TimeSeconds);
                    if (verdict.Preference is { } preference)
                        fresh.Add(new(plan.Key, new CachedVerdict(preference, verdict.Price, verdict.TimeSeconds)));
                }
                cache.Put(fresh);
                done += batch.Length;
                progress?.Report(done);
            }
        }
        return labels.Select(label => label!).ToList();
    }

    /// <summary>Unlimited: budgets are enforced by <see cref="BudgetedPreferenceService"/>, the service methods get.</summary>
    public Task<PreferenceBudget> GetBudgetAsync(CancellationToken cancellationToken) =>
        Task.FromResult(new PreferenceBudget(int.MaxValue, 0, DollarsSpent));

    // 3 − p maps a preference given with the outputs swapped back to the caller's order (soft ones too).
    private static double Unswap(double preference, bool swapped) => swapped ? 3 - preference : preference;

    private sealed record Plan(IPairAnnotator Member, PairToJudge Shown, bool Swap, AnnotationKey Key);
}
