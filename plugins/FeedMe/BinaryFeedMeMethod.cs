using AlpacaFarm.Abstractions.Methods;
using AlpacaFarm.Abstractions.Policies;

namespace AlpacaFarm.Plugins.FeedMe;

/// <summary>Binary FeedME: declared, not implemented yet. Listed by the host; running it fails with a clear error.</summary>
public sealed class BinaryFeedMeMethod : IMethod
{
    public MethodDescriptor Descriptor { get; } = new(
        Id: "binary-feedme",
        DisplayName: "Binary FeedME",
        Version: "0.1.0",
        Kind: MethodKind.TrainingTime,
        Description: "Continues supervised fine-tuning of the SFT policy on the preferred output of each pair.",
        PaperReference: "OpenAI FeedME (2022); AlpacaFarm (Dubois et al. 2023) §4",
        Hyperparameters: [
            HyperparameterSpec.Float("learning_rate", 2e-5, 1e-9, 1, "2e-5 (SFT's; the paper gives none)", "Peak AdamW learning rate."),
            HyperparameterSpec.Int("epochs", 3, 1, 100, "3", "Passes over the chosen responses."),
            HyperparameterSpec.Int("batch_size", 128, 1, 4096, "128", "Examples per optimiser step."),
            HyperparameterSpec.Float("warmup_ratio", 0.03, 0, 0.99, "0.03", "Fraction of steps warming up linearly."),
        ],
        IsImplemented: false);

    public Task<IPolicy> RunAsync(MethodContext context, CancellationToken cancellationToken) =>
        throw new NotImplementedException("Binary FeedME is not implemented yet.");
}
