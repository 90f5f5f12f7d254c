using AlpacaFarm.Abstractions.Methods;
using AlpacaFarm.Abstractions.Policies;

namespace AlpacaFarm.Plugins.ExpertIteration;

/// <summary>Expert Iteration: declared, not implemented yet. Listed by the host; running it fails with a clear error.</summary>
public sealed class ExpertIterationMethod : IMethod
{
    public MethodDescriptor Descriptor { get; } = new(
        Id: "expert-iteration",
        DisplayName: "Expert Iteration",
        Version: "0.1.0",
        Kind: MethodKind.TrainingTime,
        Description: "Fine-tunes the SFT policy on best-of-n samples of the unlabeled split.",
        PaperReference: "Anthony et al. 2017; Uesato et al. 2022; AlpacaFarm (Dubois et al. 2023) §4",
        Hyperparameters: [
            HyperparameterSpec.Int("n", 16, 1, 4096, "16", "Samples per unlabeled instruction; the best by reward becomes a demonstration."),
            HyperparameterSpec.Float("learning_rate", 2e-5, 1e-9, 1, "2e-5", "Peak AdamW learning rate of the fine-tuning."),
            HyperparameterSpec.Int("epochs", 3, 1, 100, "3", "Passes over the selected samples."),
            HyperparameterSpec.Int("batch_size", 128, 1, 4096, "128", "Examples per optimiser step."),
            HyperparameterSpec.Float("warmup_ratio", 0.03, 0, 0.99, "0.03", "Fraction of steps warming up linearly."),
        ],
        IsImplemented: false);

    public Task<IPolicy> RunAsync(MethodContext context, CancellationToken cancellationToken) =>
        throw new NotImplementedException("Expert Iteration is not implemented yet.");
}
