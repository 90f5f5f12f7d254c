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
        Hyperparameters: [
            HyperparameterSpec.Int("num_reward_tokens", 4, 2, 100, "4", "Reward quantiles, each with its control token."),
            HyperparameterSpec.Float("kl_coef", 0.05, 0, 10, "0.05", "Weight of the KL anchor to the SFT policy."),
            HyperparameterSpec.Float("learning_rate", 3e-6, 1e-9, 1, "3e-6", "AdamW learning rate."),
            HyperparameterSpec.Int("warmup_steps", 5, 0, 100000, "5", "Steps warming up linearly."),
            HyperparameterSpec.Int("rollout_batch_size", 512, 1, 100000, "512", "Rollouts per Quark step."),
            HyperparameterSpec.Int("step_batch_size", 256, 1, 100000, "256", "Examples per optimiser step."),
            HyperparameterSpec.Bool("train_on_best_quantile", true, "true", "Train only on the top quantile, without control tokens."),
            HyperparameterSpec.Float("entropy_coef", 0, 0, 10, "0", "Weight of the entropy bonus."),
        ],
        IsImplemented: false);

    public Task<IPolicy> RunAsync(MethodContext context, CancellationToken cancellationToken) =>
        throw new NotImplementedException("Quark is not implemented yet.");
}
