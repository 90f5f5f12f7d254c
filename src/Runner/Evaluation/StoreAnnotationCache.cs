using AlpacaFarm.Evaluation.Annotators;
using AlpacaFarm.Leaderboard;

namespace AlpacaFarm.Runner.Evaluation;

/// <summary>The evaluator's annotation cache, kept in the leaderboard database.</summary>
public sealed class StoreAnnotationCache(LeaderboardStore store) : IAnnotationCache
{
    public IReadOnlyDictionary<AnnotationKey, CachedVerdict> Get(IReadOnlyCollection<AnnotationKey> keys)
    {
        var found = store.GetCached(keys.Select(ToStore).ToList());
        var verdicts = new Dictionary<AnnotationKey, CachedVerdict>();
        foreach (var key in keys)
        {
            if (found.TryGetValue(ToStore(key), out var hit)) verdicts[key] = new CachedVerdict(hit.Preference, hit.Price, hit.TimeSeconds);
        }
        return verdicts;
    }

    public void Put(IReadOnlyCollection<KeyValuePair<AnnotationKey, CachedVerdict>> verdicts) =>
        store.PutCached(verdicts.Select(pair => new KeyValuePair<AnnotationCacheKey, CachedAnnotation>(
            ToStore(pair.Key), new CachedAnnotation(pair.Value.Preference, pair.Value.Price, pair.Value.TimeSeconds))).ToList());

    private static AnnotationCacheKey ToStore(AnnotationKey key) =>
        new(key.AnnotatorKey, key.Instruction, key.Output1, key.Output2, key.Seed);
}
