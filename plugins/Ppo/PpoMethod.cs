using System.Globalization;
using AlpacaFarm.Abstractions.Methods;
using AlpacaFarm.Abstractions.Policies;
using AlpacaFarm.Abstractions.Reporting;
using AlpacaFarm.Modeling.Generation;
using AlpacaFarm.Modeling.Checkpoints;
using AlpacaFarm.Modeling.Reinforcement;
using AlpacaFarm.Modeling.Policies;
using AlpacaFarm.Modeling.Runtime;
using AlpacaFarm.Modeling.Transformer;
using TorchSharp;

namespace AlpacaFarm.Plugins.Ppo;

/// <summary>
/// PPO against the proxy reward model with a per-token KL penalty to the SFT policy (Ouyang et al. 2022), as
/// AlpacaFarm implements it: the policy starts from SFT, the value model from the reward model's backbone with a
/// zero-initialised value head, and both train under one optimiser on rollouts of the unlabeled split
/// (<see cref="PpoTrainer"/>). The policy after the last step is returned; checkpoints along the way are reported.
/// </summary>
public sealed class PpoMethod : IMethod
{
    public MethodDescriptor Descriptor { get; } = new(
        Id: "ppo",
        DisplayName: "PPO",
        Version: "1.6.1",
        Kind: MethodKind.TrainingTime,
        Description: "RL against the proxy reward model with a per-token KL penalty to the SFT policy (clipped PPO, GAE, a value model " +
            "from the reward model); farm defaults chosen by a validation sweep (plugins/Ppo/README.md).",
        PaperReference: "Schulman et al. 2017; Ouyang et al. 2022; AlpacaFarm (Dubois et al. 2023) §4",
        Hyperparameters: [
            HyperparameterSpec.Int("total_steps", 40, 1, 100_000, "40 (the evaluated checkpoint)", "PPO steps to run; the policy after the last is returned."),
            HyperparameterSpec.Int("rollout_batch_size", 256, 1, 100_000, "512", "Rollouts per PPO step."),
            HyperparameterSpec.Int("step_batch_size", 128, 1, 100_000, "256", "Rollouts per optimiser step."),
            HyperparameterSpec.Int("micro_batch_size", 128, 1, 100_000, "2 per device (× 8 devices × 16 accumulation steps)",
                "Rollouts per forward and backward pass; an optimiser step accumulates the gradients of its step batch's micro-batches, " +
                "so this changes speed and memory, not the update (up to float rounding)."),
            HyperparameterSpec.Int("ppo_epochs", 2, 1, 100, "2", "Passes over each step's rollouts."),
            HyperparameterSpec.Float("learning_rate", 1e-4, 1e-9, 1, "1e-5", "AdamW learning rate (constant after warm-up)."),
            HyperparameterSpec.Float("adam_epsilon", 1e-8, 1e-12, 1, "1e-5", "AdamW's ε: damps the steps of parameters whose gradients are smaller than it."),
            HyperparameterSpec.Int("warmup_steps", 5, 0, 100_000, "5", "PPO steps warming the learning rate up linearly."),
            HyperparameterSpec.Float("kl_coef", 0.2, 0, 100, "0.0067 (simulated), 0.02 (human)", "β: weight of the per-token KL penalty to the SFT policy."),
            HyperparameterSpec.Bool("adaptive_kl", false, "false", "Adapt β towards kl_target (Ziegler et al.) instead of keeping it fixed."),
            HyperparameterSpec.Float("kl_target", 6, 1e-6, 1e6, "6", "The adaptive controller's target KL (summed over a response)."),
            HyperparameterSpec.Float("kl_horizon", 10_000, 1, 1e9, "10000", "The adaptive controller's horizon, in rollouts."),
            HyperparameterSpec.Float("clip_range", 0.2, 0, 10, "0.2", "ε: the policy ratio is clipped to [1 − ε, 1 + ε]."),
            HyperparameterSpec.Float("value_clip_range", 0.2, 0, 100, "0.2", "Values move at most this far from the rollout's."),
            HyperparameterSpec.Float("vf_coef", 0.1, 0, 100, "0.1", "Weight of the value loss."),
            HyperparameterSpec.Float("entropy_coef", 0, 0, 100, "0 (AlpacaFarm has none)",
                "c_H: weight of the entropy bonus, PPO's c₂·S[π] (Schulman et al. 2017): the loss subtracts c_H × the mean per-token entropy at T."),
            HyperparameterSpec.Float("gamma", 1, 0, 1, "1", "Discount γ."),
            HyperparameterSpec.Float("lambda", 1, 0, 1, "1", "GAE's λ."),
            HyperparameterSpec.Bool("likelihood_log_ratio", false, "false (AlpacaFarm's reward model has no likelihood readout)",
                "Read the reward model's likelihood term as a log-ratio to the SFT reference (β × the mean of log p_RM − log p_SFT, DPO's implicit reward): " +
                "an experiment on the farm's reward model, not AlpacaFarm's (plugins/Ppo/README.md)."),
            HyperparameterSpec.Enum("likelihood_credit", "tokens", ["last", "tokens", "tokens-centred"],
                "last (AlpacaFarm's reward model has only a last-token head)",
                "Where the likelihood readout is paid: at the last token with the head (last); or each response token its own term over the step's " +
                "mean length, the last giving back their sum (tokens; tokens-centred: each term less the step's mean term). Every response's " +
                "rewards add up to the same score, and the policy gradient keeps its expectation (plugins/Ppo/README.md)."),
            HyperparameterSpec.Bool("whiten_rewards", false, "true",
                "Scale the shaped rewards by their std (mean kept); off on the farm, where it pays every token (plugins/Ppo/README.md)."),
            HyperparameterSpec.Float("temperature", 1.0, 1e-6, 10, "1.0",
                "Rollout temperature T: the policy trained is softmax(logits / T), rollouts are scored and the KL taken at T (no top-p: the ratios need the whole distribution)."),
            SamplingOptions.MaxNewTokensHyperparameter("rollout response"),
            StepCheckpoints.Hyperparameter(10, "20"),
        ],
        IsImplemented: true);

    public Task<IPolicy> RunAsync(MethodContext context, CancellationToken cancellationToken)
    {
        var (spec, reporter) = (context.Spec, context.Reporter);
        var settings = PpoSettings.From(spec.Hyperparameters);
        if (settings.LikelihoodLogRatio && settings.LikelihoodCredit != LikelihoodCredit.Last)
            throw new ArgumentException("likelihood_log_ratio needs likelihood_credit=last: the log-ratio is read per response");

        using var models = OnlineRunModels.Load(spec, settings.WarmupSteps, settings.TotalSteps, "PPO");
        using var valueModel = ValueModel(models.RewardModel, spec.Seed, models.Device);

        reporter.Log(MethodLogLevel.Information, string.Create(CultureInfo.InvariantCulture,
            $"PPO: {settings.TotalSteps} steps of {settings.RolloutBatchSize} rollouts on {spec.Splits.Unlabeled.Count} unlabeled instructions, " +
            $"{settings.OptimizerStepsPerStep} optimiser steps each; β {settings.KlCoefficient} ({(settings.AdaptiveKl ? "adaptive" : "fixed")})"));
        new PpoTrainer(settings, models.Policy, models.Reference, valueModel, models.RewardModel, models.Tokenizer, spec.Splits.Unlabeled, spec.Seed,
            reporter, spec.WorkDirectory, PrecisionScope.Of(spec.Compute)).Train(cancellationToken);

        IPolicy result = TorchPolicy.Save(models.Policy, models.Tokenizer, Path.Combine(spec.WorkDirectory, "policy"), PpoTrainer.CodeVersion, spec.Compute,
            $"ppo ({settings.TotalSteps} steps)");
        return Task.FromResult(result);
    }

    // The reward model's backbone under a value head that starts at zero (AlpacaFarm's init_value_with_reward); the
    // score head and the likelihood readout are not carried over.
    private static CausalTransformer ValueModel(Modeling.Training.RewardModel rewardModel, long seed, torch.Device device)
    {
        var value = new CausalTransformer(rewardModel.Config with { ValueHead = true }, TorchSeeding.Generator("ppo-value-init", "value model", seed));
        using (torch.no_grad())
        {
            var (missing, unexpected) = value.load_state_dict(rewardModel.Backbone.state_dict(), strict: false);
            if (unexpected.Count > 0 || missing.Any(name => !name.StartsWith("value_head", StringComparison.Ordinal)))
                throw new InvalidOperationException($"the reward model's backbone does not fit a value model: missing {string.Join(", ", missing)}");
            foreach (var (name, parameter) in value.named_parameters())
                if (name.StartsWith("value_head", StringComparison.Ordinal)) parameter.zero_();
        }
        return TorchDevice.Place(value, device);
    }
}
