using AlpacaFarm.Modeling.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace AlpacaFarm.Tests.Torch;

/// <summary>TorchSharp randomness comes from the project's keys, never from libtorch's own seeding.</summary>
[Collection(TorchCollection.Name)]
public sealed class TorchSeedingTests
{
    [Fact]
    public void A_keyed_generator_gives_the_same_samples_for_the_same_key()
    {
        using var a = torch.randn(8, generator: TorchSeeding.Generator("test-samples", "k", 3));
        using var b = torch.randn(8, generator: TorchSeeding.Generator("test-samples", "k", 3));
        using var c = torch.randn(8, generator: TorchSeeding.Generator("test-samples", "other", 3));

        Assert.True(a.allclose(b, rtol: 0, atol: 0));
        Assert.False(a.allclose(c, rtol: 0, atol: 0));
    }

    [Fact]
    public void Seeding_the_global_generator_from_a_key_repeats_module_initialisation()
    {
        static float[] Initialised(long seed)
        {
            TorchSeeding.SeedGlobal("test-init", "linear", seed);
            using var layer = nn.Linear(4, 3);
            return [.. layer.weight!.data<float>()];
        }

        Assert.Equal(Initialised(11), Initialised(11));
        Assert.NotEqual(Initialised(11), Initialised(12));
    }
}
