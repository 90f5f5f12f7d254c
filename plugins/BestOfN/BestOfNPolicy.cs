using System.Globalization;
using AlpacaFarm.Abstractions.Artifacts;
using AlpacaFarm.Abstractions.Policies;
using AlpacaFarm.Modeling.Policies;
using AlpacaFarm.Modeling.Scoring;

namespace AlpacaFarm.Plugins.BestOfN;

/// <summary>
/// The SFT policy reranked: for each prompt, the best of n candidates (the SDK's <see cref="Modeling.Selection.BestOfN"/>)
/// drawn at the method's decoding with the request's seed; the request's temperature and top-p are not used.
/// </summary>
public sealed class BestOfNPolicy(TorchPolicy sft, RewardScorer scorer, int n, double temperature, double topP, int maxNewTokens) : IPolicy
{
    public string Name => string.Create(CultureInfo.InvariantCulture,
        $"best-of-{n} over {sft.Name} (candidates at temperature {temperature}, top-p {topP}, at most {maxNewTokens} new tokens)");

    public IReadOnlyList<ArtifactHandle> Dependencies => [.. sft.Dependencies, scorer.Handle];

    public Task<GenerationResult> GenerateAsync(GenerationRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var decoding = new DecodingOptions(temperature, topP, Math.Min(maxNewTokens, request.Options.MaxNewTokens), request.Options.Seed);
        var result = Modeling.Selection.BestOfN.Select(sft, scorer, request.Prompts, n, decoding, cancellationToken: cancellationToken);
        return Task.FromResult(new GenerationResult(result.Best));
    }

    public void Dispose()
    {
        scorer.Dispose();
        sft.Dispose();
    }
}
