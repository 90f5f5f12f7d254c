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
        DefaultHyperparameters: new Dictionary<string, string>
        {
            ["n"] = "16",
            ["learning_rate"] = "2e-5",
            ["epochs"] = "3",
            ["batch_size"] = "128",
            ["warmup_ratio"] = "0.03",
        },
        IsImplemented: false);

    public Task<IPolicy> RunAsync(MethodContext context, CancellationToken cancellationToken) =>
        throw new NotImplementedException("Expert Iteration is not implemented yet.");
}
