using AlpacaFarm.Abstractions.Methods;
using AlpacaFarm.Abstractions.Policies;

namespace AlpacaFarm.Plugins.Dpo;

/// <summary>DPO: declared, not implemented yet. Listed by the host; running it fails with a clear error.</summary>
public sealed class DpoMethod : IMethod
{
    public MethodDescriptor Descriptor { get; } = new(
        Id: "dpo",
        DisplayName: "DPO",
        Version: "0.1.0",
        Kind: MethodKind.TrainingTime,
        Description: "Optimises the policy directly on preference pairs with a logistic loss on log-ratio differences to the SFT policy.",
        PaperReference: "Rafailov et al. 2023; AlpacaFarm (Dubois et al. 2023, arXiv v4)",
        Hyperparameters: [
            HyperparameterSpec.Float("beta", 0.1, 1e-6, 100, "0.1", "Strength of the implicit KL anchor to the SFT policy."),
            HyperparameterSpec.Float("learning_rate", 1e-6, 1e-9, 1, "1e-6", "Peak AdamW learning rate."),
            HyperparameterSpec.Int("epochs", 2, 1, 100, "2", "Passes over the shared preference pairs."),
            HyperparameterSpec.Int("batch_size", 64, 1, 4096, "64", "Pairs per optimiser step."),
            HyperparameterSpec.Float("warmup_ratio", 0.03, 0, 0.99, "0.03", "Fraction of steps warming up linearly."),
        ],
        IsImplemented: false);

    public Task<IPolicy> RunAsync(MethodContext context, CancellationToken cancellationToken) =>
        throw new NotImplementedException("DPO is not implemented yet.");
}
