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
        DefaultHyperparameters: new Dictionary<string, string>
        {
            ["beta"] = "0.1",
            ["learning_rate"] = "1e-6",
            ["epochs"] = "2",
            ["batch_size"] = "64",
            ["warmup_ratio"] = "0.03",
        },
        IsImplemented: false);

    public Task<IPolicy> RunAsync(MethodContext context, CancellationToken cancellationToken) =>
        throw new NotImplementedException("DPO is not implemented yet.");
}
