using AlpacaFarm.Abstractions.Methods;
using AlpacaFarm.Abstractions.Policies;

namespace AlpacaFarm.Plugins.FeedMe;

/// <summary>Binary reward conditioning: declared, not implemented yet. Listed by the host; running it fails with a clear error.</summary>
public sealed class BinaryRewardConditioningMethod : IMethod
{
    public MethodDescriptor Descriptor { get; } = new(
        Id: "binary-reward-conditioning",
        DisplayName: "Binary reward conditioning",
        Version: "0.1.0",
        Kind: MethodKind.TrainingTime,
        Description: "Fine-tunes on both outputs of each pair prefixed with a good/bad control token; generates with the good token.",
        PaperReference: "Keskar et al. 2019; Liu et al. 2023; AlpacaFarm (Dubois et al. 2023) §4",
        Hyperparameters: [
            HyperparameterSpec.Float("learning_rate", 2e-5, 1e-9, 1, "2e-5 (SFT's; the paper gives none)", "Peak AdamW learning rate."),
            HyperparameterSpec.Int("epochs", 3, 1, 100, "3", "Passes over the conditioned pairs."),
            HyperparameterSpec.Int("batch_size", 128, 1, 4096, "128", "Examples per optimiser step."),
            HyperparameterSpec.Float("warmup_ratio", 0.03, 0, 0.99, "0.03", "Fraction of steps warming up linearly."),
        ],
        IsImplemented: false);

    public Task<IPolicy> RunAsync(MethodContext context, CancellationToken cancellationToken) =>
        throw new NotImplementedException("Binary reward conditioning is not implemented yet.");
}
