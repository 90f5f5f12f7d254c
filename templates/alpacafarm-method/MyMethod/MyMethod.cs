using AlpacaFarm.Abstractions.Artifacts;
using AlpacaFarm.Abstractions.Methods;
using AlpacaFarm.Abstractions.Policies;
using AlpacaFarm.Modeling.Policies;
using AlpacaFarm.Modeling.Scoring;

namespace MyMethod;

/// <summary>
/// Best of k: for each instruction, k samples from the SFT policy at the method's own temperature, and the one the proxy
/// reward model scores highest. A complete, small method to start from: replace the algorithm, keep the shape.
/// </summary>
public sealed class MyMethod : IMethod
{
    /// <summary>The typed table: every key a user may set with --set, its farm default, range, the paper's value and meaning.</summary>
    public MethodDescriptor Descriptor { get; } = new(
        "my-method", "MyMethod", "0.1.0", MethodKind.InferenceTime,
        "Best of k SFT samples by the proxy reward model.", "Stiennon et al. 2020 (best-of-n)",
        [
            HyperparameterSpec.Int("k", 4, 1, 64, "16", "Samples per instruction."),
            HyperparameterSpec.Float("temperature", 1.0, 0, 10, "1.0", "Sampling temperature of the candidates."),
        ], IsImplemented: true);

    public Task<IPolicy> RunAsync(MethodContext context, CancellationToken cancellationToken)
    {
        var spec = context.Spec;
        var policy = TorchPolicy.Open(spec.SftPolicy, spec.Compute, "sft", batchSize: 64);
        try
        {
            var scorer = RewardScorer.Open(spec.RewardModel, spec.Compute);
            return Task.FromResult<IPolicy>(new BestOfKPolicy(policy, scorer, spec.Hyperparameters.GetInt("k"), spec.Hyperparameters.GetDouble("temperature")));
        }
        catch
        {
            policy.Dispose();
            throw;
        }
    }
}

/// <summary>Draws k candidates per prompt in one request (TorchPolicy keys each repeat apart) and keeps the best-scored.</summary>
public sealed class BestOfKPolicy(TorchPolicy sft, RewardScorer scorer, int k, double temperature) : IPolicy
{
    public string Name => $"best-of-{k} over {sft.Name} (temperature {temperature})";

    public IReadOnlyList<ArtifactHandle> Dependencies => [.. sft.Dependencies, scorer.Handle];

    public async Task<GenerationResult> GenerateAsync(GenerationRequest request, CancellationToken cancellationToken)
    {
        var repeated = request.Prompts.SelectMany(prompt => Enumerable.Repeat(prompt, k)).ToList();
        var candidates = (await sft.GenerateAsync(new GenerationRequest(repeated, request.Options with { Temperature = temperature }), cancellationToken)).Outputs;
        var rewards = scorer.Score([.. repeated.Select((prompt, i) => (prompt, candidates[i]))]);
        return new GenerationResult([.. request.Prompts.Select((_, p) =>
            candidates[Enumerable.Range(p * k, k).MaxBy(i => rewards[i])])]);
    }

    public void Dispose()
    {
        scorer.Dispose();
        sft.Dispose();
    }
}
