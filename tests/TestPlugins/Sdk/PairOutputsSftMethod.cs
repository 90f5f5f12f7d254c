using System.Globalization;
using AlpacaFarm.Abstractions.Methods;
using AlpacaFarm.Abstractions.Policies;
using AlpacaFarm.Abstractions.Reporting;
using AlpacaFarm.Modeling.Checkpoints;
using AlpacaFarm.Modeling.Data;
using AlpacaFarm.Modeling.Policies;
using AlpacaFarm.Modeling.Reporting;
using AlpacaFarm.Modeling.Runtime;
using AlpacaFarm.Modeling.Scoring;
using AlpacaFarm.Modeling.Tokenization;
using AlpacaFarm.Modeling.Training;

namespace AlpacaFarm.TestPlugins.Sdk;

/// <summary>
/// A test method that touches the whole plugin surface of the SDK: opens the SFT policy, the reward model and the
/// shared pairs from their handles, fine-tunes on both outputs of every pair (labels ignored: a smoke test of the surface,
/// not a method to use) with the shared training loop, reports through the host's reporter and returns the saved policy.
/// </summary>
public sealed class PairOutputsSftMethod : IMethod
{
    /// <summary>Written into the returned checkpoint.</summary>
    public const string CodeVersion = "test-sdk-sft/1";

    public MethodDescriptor Descriptor { get; } = new(
        "test-sdk-sft", "Pair-outputs SFT (test)", "1.0.0", MethodKind.TrainingTime,
        "Fine-tunes the SFT policy on both outputs of each shared pair, labels ignored.", "none",
        [
            HyperparameterSpec.Int("steps", 1, 1, 1000, null, "Optimiser steps."),
            HyperparameterSpec.Int("batch_size", 4, 1, 1024, null, "Outputs per step."),
            HyperparameterSpec.Float("learning_rate", 0.001, 1e-9, 1, null, "AdamW learning rate."),
        ], IsImplemented: true);

    public Task<IPolicy> RunAsync(MethodContext context, CancellationToken cancellationToken)
    {
        var spec = context.Spec;
        var device = TorchDevice.Of(spec.Compute);
        var (policy, tokenizer) = Checkpoint.LoadPolicy(spec.SftPolicy, device);
        using var model = policy;
        var pairs = PreferencePairs.Read(spec.PreferenceData);
        var outputs = pairs.SelectMany(p => new[] { (p.Instruction, Response: p.Output1), (p.Instruction, Response: p.Output2) }).ToList();
        using (var scorer = RewardScorer.Open(spec.RewardModel, spec.Compute))
        {
            var mean = scorer.Score(outputs).Average();
            context.Reporter.Log(MethodLogLevel.Information, string.Create(CultureInfo.InvariantCulture, $"mean reward of the outputs before training: {mean}"));
        }

        var fitted = outputs.Select(p => PromptFormat.Fit(tokenizer, p.Instruction, p.Response, model.Config.MaxSequenceLength)).ToArray();
        var options = new TrainingOptions(
            Epochs: 1, BatchSize: spec.Hyperparameters.GetInt("batch_size"), LearningRate: spec.Hyperparameters.GetDouble("learning_rate"),
            Seed: spec.Seed, MaxSteps: spec.Hyperparameters.GetInt("steps"), ProgressEvery: 1);
        TrainingLoop.Run(model, options, fitted.Length, "test-sdk-sft-order", indices =>
        {
            var batch = SequenceBatch.Build(
                [.. indices.Select(i => fitted[i].Prompt)], [.. indices.Select(i => fitted[i].Response)], tokenizer.PadId, device);
            return new StepLoss(SftTrainer.Loss(model, batch), batch.RealTokens);
        }, new TrainingProgressReporter(context.Reporter, "policy"), cancellationToken);

        IPolicy trained = TorchPolicy.Save(model, tokenizer, Path.Combine(spec.WorkDirectory, "policy"), CodeVersion, spec.Compute, "test sdk policy");
        return Task.FromResult(trained);
    }
}
