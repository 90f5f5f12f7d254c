using AlpacaFarm.Abstractions.Methods;
using AlpacaFarm.Abstractions.Policies;
using AlpacaFarm.Modeling.Policies;
using AlpacaFarm.Modeling.Scoring;

namespace AlpacaFarm.TestPlugins.BestOfTwo;

/// <summary>
/// Best-of-2: for each instruction, two samples from the SFT policy at the method's own decoding, and the one the proxy
/// reward model scores higher (the first on a tie). A real method small enough for the runner's end-to-end test.
/// </summary>
public sealed class BestOfTwoMethod : IMethod
{
    public MethodDescriptor Descriptor { get; } = new(
        "test-best-of-2", "Best-of-2 (test)", "1.0.0", MethodKind.InferenceTime,
        "Two SFT samples per instruction; the reward model keeps the better.", "Stiennon et al. 2020 (Best-of-n with n = 2)",
        [
            HyperparameterSpec.Float("temperature", 1.0, 0, 10, "1.0", "Sampling temperature of the candidates."),
            HyperparameterSpec.Float("top_p", 0.9, 1e-6, 1, "0.9", "Nucleus mass of the candidates' sampling."),
        ], IsImplemented: true);

    public Task<IPolicy> RunAsync(MethodContext context, CancellationToken cancellationToken)
    {
        var spec = context.Spec;
        var policy = TorchPolicy.Open(spec.SftPolicy, spec.Compute, "sft", batchSize: 64);
        try
        {
            var scorer = RewardScorer.Open(spec.RewardModel, spec.Compute);
            return Task.FromResult<IPolicy>(new BestOfTwoPolicy(policy, scorer,
                spec.Hyperparameters.GetDouble("temperature"), spec.Hyperparameters.GetDouble("top_p")));
        }
        catch
        {
            policy.Dispose();
            throw;
        }
    }
}
