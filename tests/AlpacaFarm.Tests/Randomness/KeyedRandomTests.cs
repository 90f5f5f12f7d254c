using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using AlpacaFarm.Abstractions.Randomness;

namespace AlpacaFarm.Tests.Randomness;

public sealed class KeyedRandomTests
{
    // Computed once and cross-checked with an independent Python implementation of
    // SHA-256("purpose|key|seed") → xoshiro256**. A change here changes every seeded result.
    [Fact]
    public void Golden_values_never_change()
    {
        var rng = KeyedRandom.Create("annotator", "Name three fruits.", 0);

        Assert.Equal(
            [0x048863D613B22F6CUL, 0xA9C722C490F8BEDDUL, 0x2C4ADD0DC574010AUL, 0xA8C406E8CA56BAE8UL],
            Enumerable.Range(0, 4).Select(_ => rng.NextUInt64()));
        Assert.Equal(0x3C5637C349D6635AUL, KeyedRandom.Hash64("annotator", "Name three fruits.", 0));
        Assert.Equal(0.141056778050063, KeyedRandom.Uniform("flip", "pair", 42), 15);
    }

    [Fact]
    public void Purpose_key_and_seed_each_change_the_stream()
    {
        var baseline = KeyedRandom.Hash64("annotator", "x", 1);

        Assert.NotEqual(baseline, KeyedRandom.Hash64("order", "x", 1));
        Assert.NotEqual(baseline, KeyedRandom.Hash64("annotator", "y", 1));
        Assert.NotEqual(baseline, KeyedRandom.Hash64("annotator", "x", 2));
        Assert.Equal(baseline, KeyedRandom.Hash64("annotator", "x", 1));
    }

    [Fact]
    public void Keys_may_contain_the_separator_but_purposes_may_not_so_no_two_triples_share_a_text()
    {
        // The encoding, derived here: the first 8 bytes (little-endian) of SHA-256 over the UTF-8 of "purpose|key|seed".
        static ulong Encoded(string text) => BinaryPrimitives.ReadUInt64LittleEndian(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
        Assert.Equal(Encoded("a|b|c|0"), KeyedRandom.Hash64("a", "b|c", 0));

        // ("a|b", "c") would be the text of ("a", "b|c"): a purpose holding '|' is refused, so the first '|' ends the purpose.
        Assert.Throws<ArgumentException>(() => KeyedRandom.Create("a|b", "c", 0));
        Assert.Throws<ArgumentException>(() => KeyedRandom.Hash64("a|b", "c", 0));
        Assert.Throws<ArgumentException>(() => KeyedRandom.Create("", "k", 0));
        // A seed prints as digits and '-', so the last '|' ends the key: moving a '|' or digits across either boundary
        // gives another text, hence another stream.
        (string Purpose, string Key, long Seed)[] triples =
        [
            ("a", "b|c", 0), ("ab", "c", 0), ("a", "bc", 0), ("a", "b|1", 2), ("a", "b", 12), ("a", "b|1|2", 3), ("a", "b|1", 23),
            ("a", "b|-1", 0), ("a", "b", -10), ("a", "|", 0), ("a", "", 0), ("a", "0|", 0),
        ];
        Assert.Equal(triples.Length, triples.Select(t => KeyedRandom.Hash64(t.Purpose, t.Key, t.Seed)).Distinct().Count());
        Assert.Equal(triples.Length, triples.Select(t => KeyedRandom.Create(t.Purpose, t.Key, t.Seed).NextUInt64()).Distinct().Count());
    }

    [Fact]
    public void Bounded_integers_stay_in_range_and_cover_it()
    {
        var rng = KeyedRandom.Create("test", "bounded", 0);
        var counts = new int[13];
        for (var i = 0; i < 13_000; i++) counts[rng.NextInt(13)]++;

        Assert.All(counts, c => Assert.InRange(c, 800, 1200));
        Assert.Throws<ArgumentOutOfRangeException>(() => rng.NextInt(0));
    }

    [Fact]
    public void Doubles_and_gaussians_have_the_right_moments()
    {
        var rng = KeyedRandom.Create("test", "moments", 0);
        var uniform = Enumerable.Range(0, 20_000).Select(_ => rng.NextDouble()).ToArray();
        var normal = Enumerable.Range(0, 20_000).Select(_ => rng.NextGaussian()).ToArray();

        Assert.All(uniform, u => Assert.InRange(u, 0.0, 1.0 - double.Epsilon));
        Assert.InRange(uniform.Average(), 0.49, 0.51);
        Assert.InRange(normal.Average(), -0.03, 0.03);
        Assert.InRange(normal.Select(z => z * z).Average(), 0.96, 1.04);
    }

    [Fact]
    public void Shuffle_is_a_seeded_permutation()
    {
        int[] Shuffled(long seed)
        {
            var items = Enumerable.Range(0, 20).ToArray();
            KeyedRandom.Create("test", "shuffle", seed).Shuffle(items);
            return items;
        }

        Assert.Equal(Enumerable.Range(0, 20), Shuffled(1).Order());
        Assert.Equal(Shuffled(1), Shuffled(1));
        Assert.NotEqual(Shuffled(1), Shuffled(2));
    }
}
