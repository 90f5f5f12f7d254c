using AlpacaFarm.Abstractions.Methods;
using AlpacaFarm.Abstractions.Policies;

namespace AlpacaFarm.Plugins.BestOfN;

/// <summary>Best-of-n: declared, not implemented yet. Listed by the host; running it fails with a clear error.</summary>
public sealed class BestOfNMethod : IMethod
{
    public MethodDescriptor Descriptor { get; } = new(
        Id: "best-of-n",
        DisplayName: "Best-of-n",
        Version: "0.1.0",
        Kind: MethodKind.InferenceTime,
        Description: "Samples n outputs from the SFT policy and keeps the one the proxy reward model scores highest.",
        PaperReference: "Stiennon et al. 2020; AlpacaFarm (Dubois et al. 2023) §4",
        Hyperparameters: [
            HyperparameterSpec.Int("n", 16, 1, 4096, "16", "Samples drawn per instruction; the reward model keeps the best."),
            HyperparameterSpec.Float("temperature", 1.0, 0, 10, "1.0", "Sampling temperature of the candidates."),
            HyperparameterSpec.Float("top_p", 0.9, 1e-6, 1, "0.9", "Nucleus mass of the candidates' sampling."),
            HyperparameterSpec.Int("max_new_tokens", 300, 1, 4096, "300", "Longest candidate, in tokens."),
        ],
        IsImplemented: false);

    public Task<IPolicy> RunAsync(MethodContext context, CancellationToken cancellationToken) =>
        throw new NotImplementedException("Best-of-n is not implemented yet.");
}
