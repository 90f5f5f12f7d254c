using System.Globalization;
using AlpacaFarm.Abstractions.Methods;
using AlpacaFarm.Abstractions.Policies;
using AlpacaFarm.Abstractions.Reporting;
using AlpacaFarm.Modeling.Generation;
using AlpacaFarm.Modeling.Policies;
using AlpacaFarm.Modeling.Reinforcement;
using AlpacaFarm.Modeling.Transformer;

namespace Rloo;

/// <summary>
/// REINFORCE Leave-One-Out (Ahmadian et al. 2024): k samples of the policy per instruction, each whole response one
/// action; its reward is the proxy reward model's score less β × its KL to the SFT policy, its advantage that reward less
/// the mean reward of the other k − 1 samples; one REINFORCE update a step (<see cref="RlooTrainer"/>). No value model.
/// </summary>
public sealed class RlooMethod : IMethod
{
    /// <summary>Written into the checkpoints it saves; bump when training behaviour changes.</summary>
    public const string CodeVersion = "rloo/1";

    public MethodDescriptor Descriptor { get; } = new(
        "rloo", "RLOO", "1.0.0", MethodKind.TrainingTime,
        "REINFORCE with a leave-one-out baseline over k samples per instruction, the KL to the SFT policy in the sequence reward; no value model.",
        "Ahmadian et al. 2024 (Back to Basics: Revisiting REINFORCE Style Optimization for RLHF); TRL RLOOTrainer",
        [
            HyperparameterSpec.Int("total_steps", 80, 1, 100_000, "– (TRL: total_episodes)", "Steps to run; each samples, scores and takes one optimiser step."),
            HyperparameterSpec.Int("prompts_per_step", 32, 1, 100_000, "–", "Instructions per step; the step's rollouts are prompts_per_step × k."),
            HyperparameterSpec.Int("k", 4, 2, 64, "2 or 4 (paper); 2 (TRL)", "Samples per instruction: each sample's baseline is the mean reward of the other k − 1."),
            HyperparameterSpec.Int("micro_batch_size", 64, 1, 100_000, "–",
                "Rollouts per forward and backward pass; the step's gradients accumulate over its micro-batches (speed and memory, not the update)."),
            HyperparameterSpec.Float("learning_rate", 1e-4, 1e-9, 1, "3e-6 (TRL example)", "AdamW learning rate (constant after warm-up)."),
            HyperparameterSpec.Int("warmup_steps", 5, 0, 100_000, "–", "Steps warming the learning rate up linearly."),
            HyperparameterSpec.Float("kl_coef", 0.05, 0, 100, "0.05 (TRL)", "β: the sequence reward is the score less β × Σ_t (log π − log π_SFT)."),
            HyperparameterSpec.Bool("whiten_advantages", false, "false (TRL normalize_advantages)", "Whiten the step's advantages (mean 0, variance 1) before the update."),
            HyperparameterSpec.Float("temperature", 1.0, 1e-6, 10, "1.0",
                "Sampling temperature T: the policy trained is softmax(logits / T), and its samples and KL are taken at T (top-p 1)."),
            SamplingOptions.MaxNewTokensHyperparameter("rollout response"),
            StepCheckpoints.Hyperparameter(20, null),
        ], IsImplemented: true);

    public Task<IPolicy> RunAsync(MethodContext context, CancellationToken cancellationToken)
    {
        var (spec, reporter) = (context.Spec, context.Reporter);
        var settings = RlooSettings.From(spec.Hyperparameters);
        using var models = OnlineRunModels.Load(spec, settings.WarmupSteps, settings.TotalSteps, "RLOO");
        reporter.Log(MethodLogLevel.Information, string.Create(CultureInfo.InvariantCulture,
            $"RLOO: {settings.TotalSteps} steps of {settings.PromptsPerStep} instructions × {settings.K} samples on {spec.Splits.Unlabeled.Count} unlabeled instructions; β {settings.KlCoefficient}"));
        new RlooTrainer(settings, models, spec.Splits.Unlabeled, spec.Seed, reporter, spec.WorkDirectory, PrecisionScope.Of(spec.Compute)).Train(cancellationToken);
        IPolicy result = TorchPolicy.Save(models.Policy, models.Tokenizer, Path.Combine(spec.WorkDirectory, "policy"), CodeVersion, spec.Compute,
            string.Create(CultureInfo.InvariantCulture, $"rloo ({settings.TotalSteps} steps, k {settings.K})"));
        return Task.FromResult(result);
    }
}
