using AlpacaFarm.Abstractions.Methods;
using AlpacaFarm.Abstractions.Policies;
using AlpacaFarm.Modeling.Generation;
using AlpacaFarm.Modeling.Policies;
using AlpacaFarm.Modeling.Scoring;

namespace AlpacaFarm.Plugins.BestOfN;

/// <summary>
/// Best-of-n (an inference-time method): for each instruction, n candidates from the SFT policy at the method's own
/// decoding, and the one the proxy reward model scores highest. Nothing is trained; the policy it returns does the
/// sampling and reranking when it is asked to generate.
/// </summary>
public sealed class BestOfNMethod : IMethod
{
    // Sequences per sampling and scoring batch: with n draws of a prompt side by side, 256 / n prompts a batch.
    private const int DrawBatch = 256;

    public MethodDescriptor Descriptor { get; } = new(
        Id: "best-of-n",
        DisplayName: "Best-of-n",
        Version: "1.2.0",
        Kind: MethodKind.InferenceTime,
        Description: "Samples n outputs from the SFT policy and keeps the one the proxy reward model scores highest.",
        PaperReference: "Stiennon et al. 2020; AlpacaFarm (Dubois et al. 2023) §4",
        Hyperparameters: [
            HyperparameterSpec.Int("n", 16, 1, 4096, "16", "Samples drawn per instruction; the reward model keeps the best."),
            HyperparameterSpec.Float("temperature", 0.5, 0, 10, "1.0", "Sampling temperature of the candidates (validation sweep: plugins/BestOfN/README.md)."),
            HyperparameterSpec.Float("top_p", 0.9, 1e-6, 1, "0.9", "Nucleus mass of the candidates' sampling."),
            SamplingOptions.MaxNewTokensHyperparameter("candidate", "the evaluation's cap applies too"),
        ],
        IsImplemented: true);

    public Task<IPolicy> RunAsync(MethodContext context, CancellationToken cancellationToken)
    {
        var spec = context.Spec;
        var sft = TorchPolicy.Open(spec.SftPolicy, spec.Compute, "sft", batchSize: DrawBatch);
        try
        {
            var scorer = RewardScorer.Open(spec.RewardModel, spec.Compute, batchSize: DrawBatch);
            return Task.FromResult<IPolicy>(new BestOfNPolicy(sft, scorer, spec.Hyperparameters.GetInt("n"),
                spec.Hyperparameters.GetDouble("temperature"), spec.Hyperparameters.GetDouble("top_p"), spec.Hyperparameters.GetInt("max_new_tokens")));
        }
        catch
        {
            sft.Dispose();
            throw;
        }
    }
}
