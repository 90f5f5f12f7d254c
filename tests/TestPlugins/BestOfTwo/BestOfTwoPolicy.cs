using AlpacaFarm.Abstractions.Artifacts;
using AlpacaFarm.Abstractions.Policies;
using AlpacaFarm.Modeling.Policies;
using AlpacaFarm.Modeling.Scoring;

namespace AlpacaFarm.TestPlugins.BestOfTwo;

/// <summary>Draws two candidates per prompt with its own decoding (the request's length and seed) and returns the higher-reward one.</summary>
public sealed class BestOfTwoPolicy(TorchPolicy sft, RewardScorer scorer, double temperature, double topP) : IPolicy
{
    public string Name => $"best-of-2 over {sft.Name} (temperature {temperature}, top-p {topP})";

    public IReadOnlyList<ArtifactHandle> Dependencies => [.. sft.Dependencies, scorer.Handle];

    public async Task<GenerationResult> GenerateAsync(GenerationRequest request, CancellationToken cancellationToken)
    {
        // Each prompt twice in one request: TorchPolicy keys a repeat apart ("text#1"), so the two samples differ.
        var doubled = request.Prompts.SelectMany(prompt => new[] { prompt, prompt }).ToList();
        var decoding = request.Options with { Temperature = temperature, TopP = topP };
        var candidates = (await sft.GenerateAsync(new GenerationRequest(doubled, decoding), cancellationToken)).Outputs;
        var rewards = scorer.Score([.. doubled.Select((prompt, i) => (prompt, candidates[i]))]);
        return new GenerationResult([.. request.Prompts.Select((_, i) => rewards[2 * i + 1] > rewards[2 * i] ? candidates[2 * i + 1] : candidates[2 * i])]);
    }

    public void Dispose()
    {
        scorer.Dispose();
        sft.Dispose();
    }
}
