using AlpacaFarm.Leaderboard;

namespace AlpacaFarm.Tests.Leaderboard;

public sealed class AnnotationCacheTests : IDisposable
{
    private static readonly AnnotationCacheKey Key = new("gpt4|temp=0", "Name three fruits.", "Apple, pear, fig.", "Bananas.", 7);
    private static readonly CachedAnnotation Value = new(1.75, 0.0123, 2.5);

    private readonly TempDatabase _db = new();

    public void Dispose() => _db.Dispose();

    [Fact]
    public void Missing_keys_return_nothing()
    {
        using var store = LeaderboardStore.Open(_db.Path);

        Assert.Empty(store.GetCached([Key]));
        Assert.Empty(store.GetCached([]));
    }

    [Fact]
    public void Putting_a_key_twice_inserts_it_once()
    {
        using var store = LeaderboardStore.Open(_db.Path);

        Assert.Equal(1, store.PutCached([new(Key, Value)]));
        Assert.Equal(0, store.PutCached([new(Key, Value with { Preference = 1.0 })]));
        Assert.Equal(1, store.PutCached([new(Key with { Seed = 8 }, Value), new(Key with { Seed = 8 }, Value)]));

        Assert.Equal(Value, Assert.Single(store.GetCached([Key, Key])).Value);
        Assert.Equal(2, _db.Scalar("SELECT COUNT(*) FROM annotation_cache"));
        Assert.Equal(1, _db.Scalar("SELECT COUNT(*) FROM annotation_cache WHERE annotator_key = 'gpt4|temp=0' AND seed = 7"));
    }

    [Fact]
    public void Seed_null_and_seed_zero_are_different_keys()
    {
        using var store = LeaderboardStore.Open(_db.Path);
        store.PutCached([new(Key with { Seed = null }, Value)]);

        Assert.Empty(store.GetCached([Key with { Seed = 0 }]));
        Assert.Equal(1, store.PutCached([new(Key with { Seed = 0 }, Value with { Preference = 2 })]));
        Assert.Equal(1.75, store.GetCached([Key with { Seed = null }])[Key with { Seed = null }].Preference);
        Assert.Equal(2, store.GetCached([Key with { Seed = 0 }])[Key with { Seed = 0 }].Preference);
        Assert.Equal(1, _db.Scalar("SELECT COUNT(*) FROM annotation_cache WHERE seed IS NULL"));
    }

    [Fact]
    public void The_order_the_outputs_were_shown_in_matters()
    {
        using var store = LeaderboardStore.Open(_db.Path);
        store.PutCached([new(Key, Value)]);
        var swapped = Key with { OutputShown1 = Key.OutputShown2, OutputShown2 = Key.OutputShown1 };

        Assert.Empty(store.GetCached([swapped]));
        // Length prefixes keep field boundaries: moving text from one field to the next is another key.
        Assert.Empty(store.GetCached([Key with { Instruction = Key.Instruction + "A", OutputShown1 = Key.OutputShown1[1..] }]));
    }

    [Fact]
    public void Many_keys_are_looked_up_across_chunks_and_nan_costs_survive()
    {
        using var store = LeaderboardStore.Open(_db.Path);
        var entries = Enumerable.Range(0, 1200)
            .Select(i => new KeyValuePair<AnnotationCacheKey, CachedAnnotation>(
                Key with { Instruction = $"q{i}" }, new CachedAnnotation(1 + i % 2, i == 5 ? double.NaN : i, 0.5)))
            .ToList();

        Assert.Equal(1200, store.PutCached(entries));
        var found = store.GetCached([.. entries.Select(e => e.Key), Key]);

        Assert.Equal(1200, found.Count);
        Assert.All(entries, e => Assert.Equal(e.Value, found[e.Key]));
    }

    [Fact]
    public void Two_stores_on_one_file_insert_a_key_once()
    {
        using var first = LeaderboardStore.Open(_db.Path);
        using var second = LeaderboardStore.Open(_db.Path);

        Assert.Equal(1, first.PutCached([new(Key, Value)]));
        Assert.Equal(0, second.PutCached([new(Key, Value)]));
        Assert.Equal(Value, second.GetCached([Key])[Key]);
    }

    [Fact]
    public void A_failure_is_never_cached()
    {
        using var store = LeaderboardStore.Open(_db.Path);

        Assert.Throws<ArgumentException>(() => store.PutCached([new(Key, Value with { Preference = double.NaN })]));
        Assert.Empty(store.GetCached([Key]));
    }
}
