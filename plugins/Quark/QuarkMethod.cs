using System.Globalization;
using AlpacaFarm.Abstractions.Methods;
using AlpacaFarm.Abstractions.Policies;
using AlpacaFarm.Abstractions.Reporting;
using AlpacaFarm.Modeling.Generation;
using AlpacaFarm.Modeling.Checkpoints;
using AlpacaFarm.Modeling.Reinforcement;
using AlpacaFarm.Modeling.Policies;
using AlpacaFarm.Modeling.Runtime;
using AlpacaFarm.Modeling.Tokenization;
using AlpacaFarm.Modeling.Transformer;

namespace AlpacaFarm.Plugins.Quark;

/// <summary>
/// Quark (Lu et al. 2022) as AlpacaFarm runs it: online rollouts of the policy on the unlabeled split, scored by the
/// proxy reward model and cut into reward quantiles, then likelihood training with a full-vocabulary KL anchor to the
/// SFT policy (<see cref="QuarkTrainer"/>). Mode "top-bin" (AlpacaFarm's shipped default) trains on the best quantile
/// alone, without tokens; mode "tokens" conditions every rollout on its quantile's control token and decodes with the best.
/// </summary>
public sealed class QuarkMethod : IMethod
{
    public MethodDescriptor Descriptor { get; } = new(
        Id: "quark",
        DisplayName: "Quark",
        Version: "1.2.1",
        Kind: MethodKind.TrainingTime,
        Description: "Samples, bins rollouts by proxy reward into quantiles and fine-tunes on the top quantile (or on every quantile behind its token) with a KL penalty.",
        PaperReference: "Lu et al. 2022; AlpacaFarm (Dubois et al. 2023) §4",
        Hyperparameters: [
            HyperparameterSpec.Enum("mode", "top-bin", ["top-bin", "tokens"], "top-bin (train_on_best_quantile=True)",
                "top-bin: train on the best quantile without tokens; tokens: condition each rollout on its quantile's token, decode with the best."),
            HyperparameterSpec.Int("num_reward_tokens", 4, 2, 100, "4", "Reward quantiles (equal bins of each step's rollouts), each with its control token in token mode."),
            HyperparameterSpec.Int("total_steps", 40, 1, 100_000, "≈390 (10 epochs of 20k prompts)", "Quark steps to run; the policy after the last is returned."),
            HyperparameterSpec.Int("rollout_batch_size", 256, 1, 100_000, "512", "Rollouts per Quark step (the pool, cleared every step)."),
            HyperparameterSpec.Int("step_batch_size", 64, 1, 100_000, "256", "Rollouts per optimiser step."),
            HyperparameterSpec.Float("learning_rate", 1e-4, 1e-9, 1, "3e-6", "AdamW learning rate (constant after warm-up)."),
            HyperparameterSpec.Float("adam_epsilon", 1e-8, 1e-12, 1, "1e-5", "AdamW's ε: damps the steps of parameters whose gradients are smaller than it."),
            HyperparameterSpec.Int("warmup_steps", 5, 0, 100_000, "5", "Quark steps warming the learning rate up linearly."),
            HyperparameterSpec.Float("kl_coef", 0.05, 0, 10, "0.05", "Weight of the full-vocabulary KL to the SFT policy, per token."),
            HyperparameterSpec.Float("entropy_coef", 0, 0, 10, "0", "Weight of the entropy bonus, per token."),
            HyperparameterSpec.Float("temperature", 1.0, 1e-6, 10, "1.0", "Rollout sampling temperature."),
            HyperparameterSpec.Float("top_p", 1.0, 1e-6, 1, "1.0", "Rollout nucleus mass."),
            SamplingOptions.MaxNewTokensHyperparameter("rollout response"),
            StepCheckpoints.Hyperparameter(10, "–"),
        ],
        IsImplemented: true);

    public Task<IPolicy> RunAsync(MethodContext context, CancellationToken cancellationToken)
    {
        var (spec, reporter) = (context.Spec, context.Reporter);
        var settings = QuarkSettings.From(spec.Hyperparameters);
        if (settings.Bins > settings.RolloutBatchSize)
            throw new ArgumentException($"num_reward_tokens ({settings.Bins}) must not exceed rollout_batch_size ({settings.RolloutBatchSize})");

        using var models = OnlineRunModels.Load(spec, settings.WarmupSteps, settings.TotalSteps, "Quark");
        if (settings.Tokens)
        {
            var words = models.Tokenizer;
            var tokenizer = words.WithControlTokens([.. Enumerable.Range(0, settings.Bins).Select(QuarkSettings.Token)]);
            models.ReplacePolicy(ControlTokenGrowth.Grow(models.Policy, tokenizer.ControlTokens.Count - words.ControlTokens.Count,
                TorchSeeding.Generator("quark-reward-tokens", string.Join(',', tokenizer.ControlTokens), spec.Seed)), tokenizer);
        }

        reporter.Log(MethodLogLevel.Information, string.Create(CultureInfo.InvariantCulture,
            $"Quark ({(settings.Tokens ? "tokens" : "top-bin")}): {settings.TotalSteps} steps of {settings.RolloutBatchSize} rollouts in {settings.Bins} bins on " +
            $"{spec.Splits.Unlabeled.Count} unlabeled instructions, {settings.OptimizerStepsPerStep} optimiser steps each; kl_coef {settings.KlCoefficient}"));
        var trainer = new QuarkTrainer(settings, models.Policy, models.Reference, models.RewardModel, models.Tokenizer, spec.Splits.Unlabeled, spec.Seed,
            reporter, spec.WorkDirectory, PrecisionScope.Of(spec.Compute));
        trainer.Train(cancellationToken);

        IPolicy result = TorchPolicy.Save(models.Policy, models.Tokenizer, Path.Combine(spec.WorkDirectory, "policy"), QuarkTrainer.CodeVersion, spec.Compute,
            $"quark {(settings.Tokens ? "tokens" : "top-bin")} ({settings.TotalSteps} steps)", decodeControl: trainer.DecodeControl);
        return Task.FromResult(result);
    }
}
