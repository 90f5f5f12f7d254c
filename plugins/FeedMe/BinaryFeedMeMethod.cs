using System.Diagnostics;
using System.Globalization;
using AlpacaFarm.Abstractions.Methods;
using AlpacaFarm.Abstractions.Policies;
using AlpacaFarm.Abstractions.Reporting;
using AlpacaFarm.Modeling.Checkpoints;
using AlpacaFarm.Modeling.Data;
using AlpacaFarm.Modeling.Policies;
using AlpacaFarm.Modeling.Reporting;
using AlpacaFarm.Modeling.Runtime;
using AlpacaFarm.Modeling.Training;

namespace AlpacaFarm.Plugins.FeedMe;

/// <summary>
/// Binary FeedME, as the AlpacaFarm paper describes it (it ships no code): supervised fine-tuning of the SFT policy on
/// the preferred output of each shared pair, draws dropped, with SFT's loss and loop.
/// </summary>
public sealed class BinaryFeedMeMethod : IMethod
{
    /// <summary>Written into the returned checkpoint; bump when training behaviour changes.</summary>
    public const string CodeVersion = "binary-feedme/1";

    public MethodDescriptor Descriptor { get; } = new(
        Id: "binary-feedme",
        DisplayName: "Binary FeedME",
        Version: "1.0.0",
        Kind: MethodKind.TrainingTime,
        Description: "Continues supervised fine-tuning of the SFT policy on the preferred output of each pair.",
        PaperReference: "OpenAI FeedME (2022); AlpacaFarm (Dubois et al. 2023) §4",
        Hyperparameters: [
            HyperparameterSpec.Float("learning_rate", 3e-4, 1e-9, 1, "2e-5 (SFT's; the paper gives none)", "Peak AdamW learning rate."),
            HyperparameterSpec.Int("epochs", 1, 1, 100, "3", "Passes over the chosen responses."),
            HyperparameterSpec.Int("batch_size", 32, 1, 4096, "128", "Examples per optimiser step."),
            HyperparameterSpec.Float("warmup_ratio", 0.03, 0, 0.99, "0.03", "Fraction of steps warming up linearly."),
        ],
        IsImplemented: true);

    public Task<IPolicy> RunAsync(MethodContext context, CancellationToken cancellationToken)
    {
        var (spec, reporter) = (context.Spec, context.Reporter);
        var hyperparameters = spec.Hyperparameters;
        var clock = Stopwatch.StartNew();
        var rows = PreferencePairs.Read(spec.PreferenceData);
        var chosen = PreferencePairs.Examples(rows).Select(pair => new SftExample(pair.Instruction, pair.Chosen)).ToList();
        if (chosen.Count == 0) throw new InvalidOperationException("the shared preference data has no pair with a preference: Binary FeedME has nothing to imitate");

        var device = TorchDevice.Apply(spec.Compute);
        var (policy, tokenizer) = Checkpoint.LoadPolicy(spec.SftPolicy, device);
        using var model = policy;
        var options = new TrainingOptions(
            Epochs: hyperparameters.GetInt("epochs"), BatchSize: hyperparameters.GetInt("batch_size"),
            LearningRate: hyperparameters.GetDouble("learning_rate"), WarmupFraction: hyperparameters.GetDouble("warmup_ratio"),
            Seed: spec.Seed, ProgressEvery: 5);
        var result = new SftTrainer(model, tokenizer, options).Train(chosen, new TrainingProgressReporter(reporter, "policy"), cancellationToken);
        reporter.Log(MethodLogLevel.Information, string.Create(CultureInfo.InvariantCulture,
            $"fine-tuned {result.Steps} steps on the chosen outputs of {chosen.Count} pairs ({rows.Count - chosen.Count} draws dropped) in {clock.Elapsed.TotalSeconds:F0} s: loss {result.Losses[0]:F4} → {result.Losses[^1]:F4}"));

        IPolicy trained = TorchPolicy.Save(model, tokenizer, Path.Combine(spec.WorkDirectory, "policy"), CodeVersion, spec.Compute,
            $"binary FeedME (chosen outputs of {chosen.Count} pairs)");
        return Task.FromResult(trained);
    }
}
