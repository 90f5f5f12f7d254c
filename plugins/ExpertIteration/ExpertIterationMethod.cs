using System.Diagnostics;
using System.Globalization;
using AlpacaFarm.Abstractions.Methods;
using AlpacaFarm.Abstractions.Policies;
using AlpacaFarm.Abstractions.Reporting;
using AlpacaFarm.Modeling.Generation;
using AlpacaFarm.Modeling.Checkpoints;
using AlpacaFarm.Modeling.Policies;
using AlpacaFarm.Modeling.Reporting;
using AlpacaFarm.Modeling.Runtime;
using AlpacaFarm.Modeling.Training;
using AlpacaFarm.Modeling.Transformer;

namespace AlpacaFarm.Plugins.ExpertIteration;

/// <summary>
/// Expert Iteration (a training-time method), as AlpacaFarm runs it: Best-of-n of the SFT policy on the unlabeled split,
/// ranked by the proxy reward model, then supervised fine-tuning of the SFT policy on the selected outputs, with the
/// same loss and loop as SFT. The selection is cached under its own inputs, so retuning the fine-tune redraws nothing.
/// </summary>
public sealed class ExpertIterationMethod : IMethod
{
    /// <summary>Written into the returned checkpoint; bump when the fine-tune's behaviour changes.</summary>
    public const string CodeVersion = "expert-iteration/1";

    public MethodDescriptor Descriptor { get; } = new(
        Id: "expert-iteration",
        DisplayName: "Expert Iteration",
        Version: "1.2.0",
        Kind: MethodKind.TrainingTime,
        Description: "Fine-tunes the SFT policy on the best of n samples (by the proxy reward model) of each unlabeled instruction.",
        PaperReference: "Anthony et al. 2017; Uesato et al. 2022; AlpacaFarm (Dubois et al. 2023) §4",
        Hyperparameters: [
            HyperparameterSpec.Int("n", 16, 1, 4096, "16", "Samples per unlabeled instruction; the best by reward becomes a demonstration."),
            HyperparameterSpec.Int("prompts", 20_000, 1, 1_000_000, "20000",
                "Unlabeled instructions to draw for, from the start of the split (all of it when the split is smaller)."),
            HyperparameterSpec.Float("temperature", 0.5, 0, 10, "1.0", "Sampling temperature of the candidates (validation sweep: plugins/BestOfN/README.md)."),
            HyperparameterSpec.Float("top_p", 0.9, 1e-6, 1, "0.9", "Nucleus mass of the candidates' sampling."),
            SamplingOptions.MaxNewTokensHyperparameter("candidate"),
            .. new FineTuneHyperparameters(1.5e-3, 4, 32, 0.05, "selected demonstrations", FineTuneHyperparameters.PaperSft()).Table(),
        ],
        IsImplemented: true);

    public Task<IPolicy> RunAsync(MethodContext context, CancellationToken cancellationToken)
    {
        var (spec, reporter) = (context.Spec, context.Reporter);
        var hyperparameters = spec.Hyperparameters;
        var prompts = spec.Splits.Unlabeled.Take(hyperparameters.GetInt("prompts")).ToList();
        if (prompts.Count == 0) throw new InvalidOperationException("the unlabeled split is empty: Expert Iteration has nothing to draw for");
        var request = new SelectionRequest(spec.SftPolicy, spec.RewardModel, prompts, hyperparameters.GetInt("n"),
            new DecodingOptions(hyperparameters.GetDouble("temperature"), hyperparameters.GetDouble("top_p"), hyperparameters.GetInt("max_new_tokens"), spec.Seed));

        // 1. Best-of-n on the unlabeled prompts, or the cached selection of an earlier run with the same inputs.
        var clock = Stopwatch.StartNew();
        var (handle, reused) = SelectionCache.GetOrDraw(spec.CacheDirectory, request, spec.Compute,
            new TrainingProgressReporter(reporter, "selection"), cancellationToken);
        var selection = SelectionCache.Read(handle);
        var label = $"best-of-{request.N} selection on {prompts.Count} unlabeled instructions";
        reporter.Log(MethodLogLevel.Information, string.Create(CultureInfo.InvariantCulture,
            $"{label}: {(reused ? "reused from" : "drawn into")} {handle.Path} in {clock.Elapsed.TotalSeconds:F0} s; mean proxy score of the selected {selection.Average(s => s.ProxyScore):F4}, of first draws {selection.Average(s => s.FirstDrawScore):F4}"));
        reporter.ReportArtifact(new MethodArtifact(handle, 0, label));

        // 2. Supervised fine-tuning of the SFT policy on the selected outputs, with SFT's loss and loop.
        clock.Restart();
        var device = TorchDevice.Of(spec.Compute);
        var (policy, tokenizer) = Checkpoint.LoadPolicy(spec.SftPolicy, device);
        using var model = policy;
        var result = new SftTrainer(model, tokenizer, TrainingOptions.FineTune(hyperparameters, spec.Seed) with { Precision = PrecisionScope.Of(spec.Compute) }).Train(
            [.. selection.Select(s => new SftExample(s.Instruction, s.Output))], new TrainingProgressReporter(reporter, "policy"), cancellationToken);
        reporter.Log(MethodLogLevel.Information, string.Create(CultureInfo.InvariantCulture,
            $"fine-tuned {result.Steps} steps on {selection.Count} demonstrations in {clock.Elapsed.TotalSeconds:F0} s: loss {result.Losses[0]:F4} → {result.Losses[^1]:F4}"));

        IPolicy trained = TorchPolicy.Save(model, tokenizer, Path.Combine(spec.WorkDirectory, "policy"), CodeVersion, spec.Compute,
            $"expert iteration (best-of-{request.N} on {prompts.Count} unlabeled instructions)");
        return Task.FromResult(trained);
    }
}
