using AlpacaFarm.Abstractions.Randomness;
using AlpacaFarm.Modeling.Generation;
using TorchSharp;
using static TorchSharp.torch;

namespace AlpacaFarm.Tests.Modeling;

/// <summary>
/// The sampler's managed draw against the same draw written with libtorch's kernels (stable descending sort, cumsum,
/// the top-p cut, the inverse CDF), as the sampler made it before: both read the same probabilities, so they must pick
/// the same token on any processor.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class InverseCdfDrawTests
{
    [Theory]
    [InlineData(1.0)]
    [InlineData(0.9)]
    [InlineData(0.5)]
    [InlineData(0.01)]
    public void The_managed_draw_picks_the_token_libtorch_s_sort_and_cumsum_pick(double topP)
    {
        using var scope = NewDisposeScope();
        const int rows = 512, vocabulary = 277;
        var random = KeyedRandom.Create("test", $"draw {topP}", 0);
        var logits = new float[rows * vocabulary];
        for (var row = 0; row < rows; row++)
        {
            // Flat, peaked and very peaked rows, and rows with many tied logits (ties are where a sort's stability shows).
            var scale = (row % 4) switch { 0 => 0.5, 1 => 3.0, 2 => 12.0, _ => 1.0 };
            for (var v = 0; v < vocabulary; v++)
                logits[row * vocabulary + v] = row % 4 == 3 ? random.NextInt(4) : (float)(scale * random.NextGaussian());
        }
        var uniforms = Enumerable.Range(0, rows).Select(row => row switch { 0 => 0.0, 1 => 1 - 1e-12, _ => random.NextDouble() }).ToArray();
        var probabilities = torch.tensor(logits, [rows, vocabulary]).softmax(-1);

        var managed = InverseCdfDraw.Choose(probabilities.data<float>().ToArray(), vocabulary, uniforms, topP);
        var reference = WithLibtorch(probabilities, uniforms, topP);

        Assert.Equal(reference, managed);
        // The test means something only if the draws spread over many tokens and ranks.
        Assert.True(managed.Distinct().Count() > (topP < 0.1 ? 50 : 150), $"{managed.Distinct().Count()} distinct tokens");
    }

    [Fact]
    public void Equal_probabilities_are_taken_in_token_order_and_a_cut_token_is_never_drawn()
    {
        // Four tokens at 0.25: u just under 0.5 is the second in id order; p = 0.5 keeps two tokens, so u near 1 takes the second.
        var even = new[] { 0.25f, 0.25f, 0.25f, 0.25f };

        Assert.Equal([1L], InverseCdfDraw.Choose(even, 4, [0.49], topP: 1));
        Assert.Equal([1L], InverseCdfDraw.Choose(even, 4, [0.999999], topP: 0.5));
        Assert.Equal([3L], InverseCdfDraw.Choose(even, 4, [0.999999], topP: 1));
    }

    // The sampler's draw before it moved to managed code (commit 5b67e8b's Sampler.Choose), kept here as the reference.
    private static long[] WithLibtorch(Tensor probabilities, double[] uniforms, double topP)
    {
        using var p = topP.ToScalar();
        using var zero = 0.ToScalar();
        using var one = 1.ToScalar();
        var (sorted, order) = probabilities.sort(-1, descending: true, stable: true);
        if (topP < 1)
        {
            var before = sorted.cumsum(-1) - sorted;
            sorted = sorted.masked_fill(before.ge(p), zero);
        }
        var cumulative = sorted.cumsum(-1);
        var total = cumulative.select(-1, -1).unsqueeze(-1);
        var u = torch.tensor(uniforms).to(ScalarType.Float32).unsqueeze(-1) * total;
        var lastWithMass = sorted.gt(zero).sum(-1, keepdim: true) - one;
        var rank = torch.minimum(cumulative.le(u).sum(-1, keepdim: true), lastWithMass);
        return order.gather(-1, rank).squeeze(-1).data<long>().ToArray();
    }
}
