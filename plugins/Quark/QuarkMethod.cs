using AlpacaFarm.Abstractions.Methods;
using AlpacaFarm.Abstractions.Policies;

namespace AlpacaFarm.Plugins.Quark;

/// <summary>Quark: declared, not implemented yet. Listed by the host; running it fails with a clear error.</summary>
public sealed class QuarkMethod : IMethod
{
    public MethodDescriptor Descriptor { get; } = new(
        Id: "quark",
        DisplayName: "Quark",
        Version: "0.1.0",
        Kind: MethodKind.TrainingTime,
        Description: "Samples, bins rollouts by proxy reward into quantiles and fine-tunes on the top quantile with a KL penalty.",
        PaperReference: "Lu et al. 2022; AlpacaFarm (Dubois et al. 2023) §4",
        DefaultHyperparameters: new Dictionary<string, string>
        {
            ["num_reward_tokens"] = "4",
            ["kl_coef"] = "0.05",
            ["learning_rate"] = "3e-6",
            ["warmup_steps"] = "5",
            ["rollout_batch_size"] = "512",
            ["step_batch_size"] = "256",
            ["train_on_best_quantile"] = "true",
            ["entropy_coef"] = "0",
        },
        IsImplemented: false);

    public Task<IPolicy> RunAsync(MethodContext context, CancellationToken cancellationToken) =>
        throw new NotImplementedException("Quark is not implemented yet.");
}
