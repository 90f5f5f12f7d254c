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
using AlpacaFarm.Modeling.Transformer;
using static TorchSharp.torch;

namespace Kto;

/// <summary>
/// Kahneman-Tversky Optimization (Ethayarajh et al. 2024): learns from unpaired desirable and undesirable responses with
/// the KTO value function around a reference point, the batch's estimate of KL(π‖π_SFT). From the shared pairs, as TRL
/// unpairs them: each pair's preferred response is a desirable example and the other an undesirable one (draws dropped);
/// the examples are then shuffled apart (<see cref="KtoExamples"/>, <see cref="KtoObjective"/>).
/// </summary>
public sealed class KtoMethod : IMethod
{
    /// <summary>Written into the returned checkpoint; bump when training behaviour changes.</summary>
    public const string CodeVersion = "kto/1";

    public MethodDescriptor Descriptor { get; } = new(
        "kto", "KTO", "1.0.0", MethodKind.TrainingTime,
        "Prospect-theoretic loss on unpaired desirable (preferred) and undesirable (dispreferred) responses around a batch estimate of the KL to the SFT policy.",
        "Ethayarajh et al. 2024 (KTO: Model Alignment as Prospect Theoretic Optimization); TRL KTOTrainer",
        [
            HyperparameterSpec.Float("beta", 0.25, 1e-6, 100, "0.1", "β: the implicit reward is β·log(π/π_SFT); larger keeps the policy nearer the SFT policy (validation sweep: README.md)."),
            HyperparameterSpec.Float("desirable_weight", 1.0, 0, 100, "1.0", "λ_D: weight of the desirable examples' losses."),
            HyperparameterSpec.Float("undesirable_weight", 1.0, 0, 100, "1.0", "λ_U: weight of the undesirable examples' losses."),
            .. new FineTuneHyperparameters(3e-5, 2, 64, 0.03, "examples (two a pair)", ("1e-6 (TRL KTOConfig)", "–", "–", "–")).Table(),
        ], IsImplemented: true);

    public Task<IPolicy> RunAsync(MethodContext context, CancellationToken cancellationToken)
    {
        var (spec, reporter) = (context.Spec, context.Reporter);
        var hyperparameters = spec.Hyperparameters;
        var (beta, desirableWeight, undesirableWeight) = (hyperparameters.GetDouble("beta"), hyperparameters.GetDouble("desirable_weight"),
            hyperparameters.GetDouble("undesirable_weight"));
        var clock = Stopwatch.StartNew();

        var pairs = PreferencePairs.Examples(PreferencePairs.Read(spec.PreferenceData));
        if (pairs.Count == 0) throw new InvalidOperationException("the shared preference data has no pair with a preference: KTO has nothing to learn from");
        var device = TorchDevice.Of(spec.Compute);
        var (policy, tokenizer) = Checkpoint.LoadPolicy(spec.SftPolicy, device);
        using var model = policy;
        var examples = KtoExamples.Of(tokenizer, pairs, model.Config.MaxSequenceLength, spec.Seed);
        var options = TrainingOptions.FineTune(hyperparameters, spec.Seed) with { Precision = PrecisionScope.Of(spec.Compute) };

        // The frozen reference's log-probabilities of every example and of its KL partner, once.
        var (reference, _) = Checkpoint.LoadPolicy(spec.SftPolicy, device);
        using (reference) examples.ScoreReference(reference, options.BatchSize, new TrainingProgressReporter(reporter, "reference"));
        reporter.Log(MethodLogLevel.Information, string.Create(CultureInfo.InvariantCulture,
            $"kto on {examples.Count} examples ({pairs.Count} desirable, {pairs.Count} undesirable); reference scored in {clock.Elapsed.TotalSeconds:F0} s"));

        using var log = new StepCsvLog(spec.WorkDirectory, ["step", "loss", "kl_estimate", "desirable_reward", "undesirable_reward", "desirable_in_batch"]);
        var step = 0;
        TrainingLoop.Run(model, options, examples.Count, "kto-order", indices =>
        {
            var (batch, logRatios, kl) = examples.Forward(model, indices);
            var desirable = examples.DesirableMask(indices, device);
            var loss = KtoObjective.Loss(logRatios, desirable, kl, beta, desirableWeight, undesirableWeight);
            var ratios = logRatios.detach().cpu().data<float>().ToArray();
            var isDesirable = indices.Select(examples.IsDesirable).ToArray();
            double Mean(bool which) => isDesirable.Count(d => d == which) == 0 ? double.NaN
                : beta * Enumerable.Range(0, ratios.Length).Where(i => isDesirable[i] == which).Average(i => (double)ratios[i]);
            log.Write([++step, loss.item<float>(), kl, Mean(true), Mean(false), isDesirable.Count(d => d)]);
            return new StepLoss(loss, batch.RealTokens);
        }, new TrainingProgressReporter(reporter, "kto"), cancellationToken);

        IPolicy trained = TorchPolicy.Save(model, tokenizer, Path.Combine(spec.WorkDirectory, "policy"), CodeVersion, spec.Compute,
            string.Create(CultureInfo.InvariantCulture, $"kto on {pairs.Count} preference pairs, unpaired"));
        return Task.FromResult(trained);
    }
}
