using AlpacaFarm.Abstractions.Randomness;
using AlpacaFarm.Modeling.Runtime;
using AlpacaFarm.Modeling.Transformer;
using TorchSharp;
using static TorchSharp.torch;

namespace AlpacaFarm.Tests.Modeling;

/// <summary>The meter's counts against the formula worked by hand (its collection runs alone, so nothing else counts).</summary>
[Collection(TorchCollection.Name)]
public sealed class ComputeMeterTests
{
    // Depth 2, width 16, MLP ratio 4, vocabulary 50: block matmuls 2 × (4 + 8) × 256 = 6,144 parameters, so a token costs
    // 2 × 6,144 + 2 × 50 × 16 = 13,888 FLOPs plus 4 × 2 × 16 = 128 per position it attends to.
    private static readonly TransformerConfig Config = new(50, Depth: 2, Width: 16, Heads: 2, MaxSequenceLength: 16);

    [Fact]
    public void A_token_costs_the_formula_by_hand()
    {
        Assert.Equal(13_888 + 128 * 5, ComputeMeter.FlopsPerToken(Config, 5));
    }

    [Fact]
    public void Padding_is_not_counted_and_each_real_token_attends_to_the_real_tokens_up_to_it()
    {
        using var model = new CausalTransformer(Config, TorchSeeding.Generator("test-init", "meter", 0));
        using var scope = NewDisposeScope();
        var ids = torch.tensor(new long[] { 0, 3, 4, 5, 6, 7 }, [2, 3]);
        // Row 0 left-padded (contexts 1 and 2), row 1 full (1, 2, 3): 5 real tokens attending to 9 positions in all.
        var mask = torch.tensor(new[] { false, true, true, true, true, true }, [2, 3]);
        var before = ComputeMeter.Read();
        using (torch.no_grad()) model.Hidden(ids, mask, CausalTransformer.PositionsFromMask(mask));
        var inference = ComputeMeter.Read() - before;

        Assert.Equal(new ComputeReading(5, 0, 5 * 13_888 + 128 * 9), inference);

        // One more token per row through a cache of those 3: row 0's is real (3 real positions to attend to), row 1's padding.
        using var cache = new KvCache(Config.Depth);
        using (torch.no_grad())
        {
            model.Hidden(ids, mask, CausalTransformer.PositionsFromMask(mask), cache);
            var longer = torch.tensor(new[] { false, true, true, true, true, true, true, false }, [2, 4]);
            before = ComputeMeter.Read();
            model.Hidden(torch.tensor(new long[] { 8, 0 }, [2, 1]), longer, torch.tensor(new long[] { 2, 3 }, [2, 1]), cache);
        }
        Assert.Equal(new ComputeReading(1, 0, 13_888 + 128 * 3), ComputeMeter.Read() - before);
    }

    [Fact]
    public void A_forward_that_records_gradients_counts_as_trained_at_three_times_its_flops()
    {
        using var model = new CausalTransformer(Config, TorchSeeding.Generator("test-init", "meter", 0));
        using var scope = NewDisposeScope();
        var before = ComputeMeter.Read();

        model.Hidden(torch.tensor(new long[] { 3, 4, 5, 6 }, [1, 4])); // no mask: contexts 1 + 2 + 3 + 4

        Assert.Equal(new ComputeReading(0, 4, 3 * (4 * 13_888 + 128 * 10)), ComputeMeter.Read() - before);
    }
}
