using AlpacaFarm.Abstractions.Randomness;
using TorchSharp;

namespace AlpacaFarm.Modeling.Runtime;

/// <summary>TorchSharp randomness drawn from the keyed random source, never from libtorch's own seeding.</summary>
public static class TorchSeeding
{
    /// <summary>A generator for one (purpose, key, seed), for sampling calls that take one.</summary>
    public static torch.Generator Generator(string purpose, string key, long seed) =>
        new(KeyedRandom.Hash64(purpose, key, seed));

    /// <summary>Seeds libtorch's default generator, which module initialisers use.</summary>
    public static void SeedGlobal(string purpose, string key, long seed) =>
        torch.manual_seed((long)(KeyedRandom.Hash64(purpose, key, seed) >> 1));
}
