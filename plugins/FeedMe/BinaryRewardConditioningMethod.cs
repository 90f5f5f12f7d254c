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
        DefaultHyperparameters: new Dictionary<string, string>
        {
            ["learning_rate"] = "2e-5",
            ["epochs"] = "3",
            ["batch_size"] = "128",
            ["warmup_ratio"] = "0.03",
        },
        IsImplemented: false);

    public Task<IPolicy> RunAsync(MethodContext context, CancellationToken cancellationToken) =>
        throw new NotImplementedException("Binary reward conditioning is not implemented yet.");
}
