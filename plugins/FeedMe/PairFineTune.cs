using System.Diagnostics;
using System.Globalization;
using AlpacaFarm.Abstractions.Methods;
using AlpacaFarm.Abstractions.Policies;
using AlpacaFarm.Abstractions.Reporting;
using AlpacaFarm.Modeling.Policies;
using AlpacaFarm.Modeling.Reporting;
using AlpacaFarm.Modeling.Tokenization;
using AlpacaFarm.Modeling.Training;
using AlpacaFarm.Modeling.Transformer;

namespace AlpacaFarm.Plugins.FeedMe;

/// <summary>What both methods of this plugin end with: SFT's loss and loop on examples made from the pairs, a log line, the saved policy.</summary>
internal static class PairFineTune
{
    /// <param name="describe">What the examples are, for the log line (e.g. "the chosen outputs of 9,591 pairs").</param>
    /// <param name="decodeControl">The control token the saved policy answers with, if any.</param>
    public static IPolicy Run(MethodContext context, CausalTransformer model, ITokenizer tokenizer, IReadOnlyList<SftExample> examples,
        string describe, string codeVersion, string name, string? decodeControl, CancellationToken cancellationToken)
    {
        var (spec, reporter) = (context.Spec, context.Reporter);
        var clock = Stopwatch.StartNew();
        var result = new SftTrainer(model, tokenizer, TrainingOptions.FineTune(spec.Hyperparameters, spec.Seed) with { Precision = PrecisionScope.Of(spec.Compute) })
            .Train(examples, new TrainingProgressReporter(reporter, "policy"), cancellationToken);
        reporter.Log(MethodLogLevel.Information, string.Create(CultureInfo.InvariantCulture,
            $"fine-tuned {result.Steps} steps on {describe} in {clock.Elapsed.TotalSeconds:F0} s: loss {result.Losses[0]:F4} → {result.Losses[^1]:F4}"));
        return TorchPolicy.Save(model, tokenizer, Path.Combine(spec.WorkDirectory, "policy"), codeVersion, spec.Compute, name, decodeControl: decodeControl);
    }
}
