using AlpacaFarm.Abstractions.Methods;
using AlpacaFarm.Abstractions.Policies;

namespace AlpacaFarm.Modeling.Generation;

/// <summary>How <see cref="Sampler"/> generates.</summary>
/// <param name="Temperature">0 means greedy (argmax); otherwise logits are divided by it.</param>
/// <param name="TopP">Nucleus mass in (0, 1]; 1 samples from the whole distribution.</param>
/// <param name="MaxNewTokens">At most this many tokens per response (fewer when the model's length runs out).</param>
/// <param name="Seed">The run seed; each sequence's randomness is KeyedRandom("sample", its key, seed).</param>
/// <param name="BatchSize">Sequences generated together.</param>
/// <param name="UseKvCache">Feed only new tokens using cached keys and values (false recomputes the whole sequence each step).</param>
public sealed record SamplingOptions(
    double Temperature, double TopP, int MaxNewTokens, long Seed, int BatchSize = 16, bool UseKvCache = true)
{
    /// <summary>The contract's decoding options with a batch size.</summary>
    public static SamplingOptions From(DecodingOptions options, int batchSize = 16) =>
        new(options.Temperature, options.TopP, options.MaxNewTokens, options.Seed, batchSize);

    /// <summary>Always the most likely next token (temperature 0), up to <paramref name="maxNewTokens"/>.</summary>
    public static SamplingOptions Greedy(int maxNewTokens, int batchSize = 16) => new(0, 1, maxNewTokens, 0, batchSize);

    /// <summary>
    /// The <c>max_new_tokens</c> row of a method that samples: AlpacaFarm's cap of 300 tokens, its default here and in
    /// the paper. <paramref name="what"/> names one sample (e.g. "rollout response"); <paramref name="note"/> adds a remark.
    /// </summary>
    public static HyperparameterSpec MaxNewTokensHyperparameter(string what, string? note = null) =>
        HyperparameterSpec.Int("max_new_tokens", 300, 1, 4096, "300", $"Longest {what}, in tokens{(note is null ? "" : $" ({note})")}.");

    /// <summary>Null when usable, else why not.</summary>
    public string? Problem() =>
        Temperature < 0 || double.IsNaN(Temperature) ? $"temperature must be at least 0 (got {Temperature})"
        : !(TopP > 0 && TopP <= 1) ? $"top-p must be in (0, 1] (got {TopP})"
        : MaxNewTokens < 0 ? $"max new tokens must be at least 0 (got {MaxNewTokens})"
        : BatchSize < 1 ? $"batch size must be at least 1 (got {BatchSize})"
        : null;
}
