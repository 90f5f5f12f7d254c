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
        DefaultHyperparameters: new Dictionary<string, string>
        {
            ["n"] = "16",
            ["temperature"] = "1.0",
            ["top_p"] = "0.9",
            ["max_new_tokens"] = "300",
        },
        IsImplemented: false);

    public Task<IPolicy> RunAsync(MethodContext context, CancellationToken cancellationToken) =>
        throw new NotImplementedException("Best-of-n is not implemented yet.");
}
