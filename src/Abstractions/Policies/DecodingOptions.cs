namespace AlpacaFarm.Abstractions.Policies;

/// <summary>How to sample. The host sets and records these for evaluation (AlpacaFarm evaluates at temperature 0.7, top-p 0.9).</summary>
/// <param name="Temperature">0 means greedy.</param>
/// <param name="TopP">Nucleus sampling mass; 1 disables it.</param>
/// <param name="MaxNewTokens">Generation stops here or at end-of-sequence.</param>
/// <param name="Seed">Sampling randomness derives from it through KeyedRandom, keyed per prompt.</param>
public sealed record DecodingOptions(double Temperature, double TopP, int MaxNewTokens, long Seed)
{
    /// <summary>AlpacaFarm's evaluation decoding.</summary>
    public static DecodingOptions Evaluation(long seed) => new(0.7, 0.9, 300, seed);
}
