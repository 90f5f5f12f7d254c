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
        DefaultHyperparameters: new Dictionary<string, string>
        {
            ["kl_coef"] = "0.0067",
            ["learning_rate"] = "1e-5",
            ["warmup_steps"] = "5",
            ["rollout_batch_size"] = "512",
            ["step_batch_size"] = "256",
            ["ppo_epochs"] = "2",
            ["clip_range"] = "0.2",
            ["value_clip_range"] = "0.2",
            ["vf_coef"] = "0.1",
            ["gamma"] = "1",
            ["lambda"] = "1",
            ["temperature"] = "1.0",
            ["total_steps"] = "40",
        },
        IsImplemented: false);

    public Task<IPolicy> RunAsync(MethodContext context, CancellationToken cancellationToken) =>
        throw new NotImplementedException("PPO is not implemented yet.");
}
