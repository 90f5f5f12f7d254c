using AlpacaFarm.Abstractions.Methods;
using AlpacaFarm.Abstractions.Policies;

namespace AlpacaFarm.Plugins.Ppo;

/// <summary>PPO: declared, not implemented yet. Listed by the host; running it fails with a clear error.</summary>
public sealed class PpoMethod : IMethod
{
    public MethodDescriptor Descriptor { get; } = new(
        Id: "ppo",
        DisplayName: "PPO",
        Version: "0.1.0",
        Kind: MethodKind.TrainingTime,
        Description: "RL against the proxy reward model with a per-token KL penalty to the SFT policy.",
        PaperReference: "Schulman et al. 2017; Ouyang et al. 2022; AlpacaFarm (Dubois et al. 2023) §4",
        Hyperparameters: [
            HyperparameterSpec.Float("kl_coef", 0.0067, 0, 10, "0.0067", "Weight of the per-token KL penalty to the SFT policy."),
            HyperparameterSpec.Float("learning_rate", 1e-5, 1e-9, 1, "1e-5", "AdamW learning rate."),
            HyperparameterSpec.Int("warmup_steps", 5, 0, 100000, "5", "Steps warming up linearly."),
            HyperparameterSpec.Int("rollout_batch_size", 512, 1, 100000, "512", "Rollouts per PPO step."),
            HyperparameterSpec.Int("step_batch_size", 256, 1, 100000, "256", "Rollouts per optimiser step."),
            HyperparameterSpec.Int("ppo_epochs", 2, 1, 100, "2", "Passes over each rollout batch."),
            HyperparameterSpec.Float("clip_range", 0.2, 0, 10, "0.2", "Policy ratio clipping."),
            HyperparameterSpec.Float("value_clip_range", 0.2, 0, 10, "0.2", "Value clipping."),
            HyperparameterSpec.Float("vf_coef", 0.1, 0, 100, "0.1", "Weight of the value loss."),
            HyperparameterSpec.Float("gamma", 1, 0, 1, "1", "Discount."),
            HyperparameterSpec.Float("lambda", 1, 0, 1, "1", "GAE lambda."),
            HyperparameterSpec.Float("temperature", 1.0, 0, 10, "1.0", "Rollout sampling temperature."),
            HyperparameterSpec.Int("total_steps", 40, 1, 100000, "40 (the evaluated checkpoint)", "PPO steps to run."),
        ],
        IsImplemented: false);

    public Task<IPolicy> RunAsync(MethodContext context, CancellationToken cancellationToken) =>
        throw new NotImplementedException("PPO is not implemented yet.");
}
