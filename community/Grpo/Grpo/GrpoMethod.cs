using System.Globalization;
using AlpacaFarm.Abstractions.Methods;
using AlpacaFarm.Abstractions.Policies;
using AlpacaFarm.Abstractions.Reporting;
using AlpacaFarm.Modeling.Generation;
using AlpacaFarm.Modeling.Policies;
using AlpacaFarm.Modeling.Reinforcement;
using AlpacaFarm.Modeling.Transformer;

namespace Grpo;

/// <summary>
/// Group Relative Policy Optimization (Shao et al. 2024): G samples of the policy per instruction; each sample's advantage
/// is its reward normalised within its group, the same for all its tokens; PPO's clipped surrogate per token with a k3 KL
/// penalty to the SFT policy as a loss term (<see cref="GrpoObjective"/>). <c>variant=dr-grpo</c> is Dr. GRPO (Liu et al.
/// 2025): no std scaling, no per-response length normalisation. No value model.
/// </summary>
public sealed class GrpoMethod : IMethod
{
    /// <summary>Written into the checkpoints it saves; bump when training behaviour changes.</summary>
    public const string CodeVersion = "grpo/1";

    public MethodDescriptor Descriptor { get; } = new(
        "grpo", "GRPO", "1.0.0", MethodKind.TrainingTime,
        "Group-normalised advantages over G samples per instruction, PPO's clipped surrogate per token and a k3 KL penalty to the SFT policy; variant dr-grpo drops the std and length normalisations.",
        "Shao et al. 2024 (DeepSeekMath); Liu et al. 2025 (Dr. GRPO); TRL GRPOTrainer",
        [
            HyperparameterSpec.Int("total_steps", 80, 1, 100_000, "–", "Steps to run; each samples and scores, then takes `iterations` optimiser steps."),
            HyperparameterSpec.Int("prompts_per_step", 16, 1, 100_000, "–", "Instructions per step; the step's rollouts are prompts_per_step × group_size."),
            HyperparameterSpec.Int("group_size", 8, 2, 256, "64 (paper); 8 (TRL num_generations)", "G: samples per instruction, normalised together."),
            HyperparameterSpec.Enum("variant", "grpo", ["grpo", "dr-grpo"], "grpo",
                "grpo: (r − mean) / std, each response's token losses averaged; dr-grpo: r − mean, token losses summed over max_new_tokens × rollouts."),
            HyperparameterSpec.Int("iterations", 1, 1, 100, "1 (TRL num_iterations; the paper's μ)",
                "μ: optimiser steps on each step's rollouts; after the first the ratio to the sampling policy moves and the clip acts."),
            HyperparameterSpec.Int("micro_batch_size", 64, 1, 100_000, "–",
                "Rollouts per forward and backward pass; an optimiser step accumulates over its micro-batches (speed and memory, not the update)."),
            HyperparameterSpec.Float("learning_rate", 1e-4, 1e-9, 1, "1e-6 (paper; TRL)", "AdamW learning rate (constant after warm-up)."),
            HyperparameterSpec.Int("warmup_steps", 5, 0, 100_000, "–", "Steps warming the learning rate up linearly."),
            HyperparameterSpec.Float("kl_coef", 0.04, 0, 100, "0.04 (paper); 0.0 (TRL)", "β: weight of the per-token k3 KL estimate to the SFT policy in the loss."),
            HyperparameterSpec.Float("clip_range", 0.2, 0, 10, "0.2", "ε: the per-token ratio is clipped to [1 − ε, 1 + ε]."),
            HyperparameterSpec.Float("temperature", 1.0, 1e-6, 10, "1.0",
                "Sampling temperature T: the policy trained is softmax(logits / T), and its samples, ratios and KL are taken at T (top-p 1)."),
            SamplingOptions.MaxNewTokensHyperparameter("rollout response"),
            StepCheckpoints.Hyperparameter(20, null),
        ], IsImplemented: true);

    public Task<IPolicy> RunAsync(MethodContext context, CancellationToken cancellationToken)
    {
        var (spec, reporter) = (context.Spec, context.Reporter);
        var settings = GrpoSettings.From(spec.Hyperparameters);
        using var models = OnlineRunModels.Load(spec, settings.WarmupSteps, settings.TotalSteps, "GRPO");
        reporter.Log(MethodLogLevel.Information, string.Create(CultureInfo.InvariantCulture,
            $"{settings.Variant}: {settings.TotalSteps} steps of {settings.PromptsPerStep} instructions × {settings.GroupSize} samples, {settings.Iterations} optimiser step(s) each; β {settings.KlCoefficient}"));
        new GrpoTrainer(settings, models, spec.Splits.Unlabeled, spec.Seed, reporter, spec.WorkDirectory, PrecisionScope.Of(spec.Compute)).Train(cancellationToken);
        IPolicy result = TorchPolicy.Save(models.Policy, models.Tokenizer, Path.Combine(spec.WorkDirectory, "policy"), CodeVersion, spec.Compute,
            string.Create(CultureInfo.InvariantCulture, $"{settings.Variant} ({settings.TotalSteps} steps, G {settings.GroupSize})"));
        return Task.FromResult(result);
    }
}
