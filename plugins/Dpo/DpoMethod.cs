using System.Diagnostics;
using System.Globalization;
using AlpacaFarm.Abstractions.Methods;
using AlpacaFarm.Abstractions.Policies;
using AlpacaFarm.Abstractions.Randomness;
using AlpacaFarm.Abstractions.Reporting;
using AlpacaFarm.Modeling.Checkpoints;
using AlpacaFarm.Modeling.Data;
using AlpacaFarm.Modeling.Policies;
using AlpacaFarm.Modeling.Reinforcement;
using AlpacaFarm.Modeling.Reporting;
using AlpacaFarm.Modeling.Runtime;
using AlpacaFarm.Modeling.Training;
using AlpacaFarm.Modeling.Transformer;
using static TorchSharp.torch;

namespace AlpacaFarm.Plugins.Dpo;

/// <summary>
/// Direct Preference Optimization (Rafailov et al. 2023) as AlpacaFarm runs it: the policy starts from SFT and is trained
/// on the shared preference pairs (draws dropped) with −log σ(β[(log π(y_w) − log π_ref(y_w)) − (log π(y_l) − log π_ref(y_l))])
/// over summed response log-probabilities, the reference being the frozen SFT policy. The reference's log-probabilities
/// are computed once per pair before training. The <c>loss</c> setting swaps in IPO or the reference-free SimPO.
/// Pairs of whole held-out instructions measure the implicit reward margin and accuracy after every epoch (epochs.csv).
/// </summary>
public sealed class DpoMethod : IMethod
{
    /// <summary>Written into the returned checkpoint; bump when training behaviour changes.</summary>
    public const string CodeVersion = "dpo/1";

    public MethodDescriptor Descriptor { get; } = new(
        Id: "dpo",
        DisplayName: "DPO",
        Version: "1.2.0",
        Kind: MethodKind.TrainingTime,
        Description: "Optimises the policy directly on preference pairs with a logistic loss on log-ratio differences to the SFT policy (or IPO, or SimPO).",
        PaperReference: "Rafailov et al. 2023; Azar et al. 2023 (IPO); Meng et al. 2024 (SimPO); AlpacaFarm (Dubois et al. 2023, arXiv v4)",
        Hyperparameters: [
            HyperparameterSpec.Enum("loss", "dpo", ["dpo", "ipo", "simpo"], "dpo",
                "dpo: −log σ(β·h); ipo: (h − 1/(2β))²; simpo: −log σ(simpo_beta·Δ mean log π − simpo_gamma), no reference."),
            HyperparameterSpec.Float("beta", 0.25, 1e-6, 100, "0.1", "DPO's and IPO's β: the strength of the implicit KL anchor to the SFT policy (validation sweep: plugins/Dpo/README.md)."),
            HyperparameterSpec.Float("simpo_beta", 2.0, 1e-6, 100, "2.0 (SimPO paper)", "SimPO's reward scale on the mean response log-probability."),
            HyperparameterSpec.Float("simpo_gamma", 1.0, 0, 100, "1.0 (SimPO paper, Llama-3 base)", "SimPO's target reward margin."),
            .. new FineTuneHyperparameters(1e-4, 2, 64, 0.03, "training pairs", ("1e-6", "2", "64", "0.03")).Table(),
            HyperparameterSpec.Int("held_out_pairs", 500, 0, 100_000, "500",
                "Pairs (whole instructions) kept out of training to measure the implicit reward margin and accuracy; at most a fifth of the pairs."),
        ],
        IsImplemented: true);

    public Task<IPolicy> RunAsync(MethodContext context, CancellationToken cancellationToken)
    {
        var (spec, reporter) = (context.Spec, context.Reporter);
        var settings = DpoSettings.From(spec.Hyperparameters);
        var clock = Stopwatch.StartNew();

        // 1. The shared pairs as (chosen, rejected), draws dropped; whole instructions held out for the epoch measurements.
        var rows = PreferencePairs.Read(spec.PreferenceData);
        var (trainRows, heldOutRows) = PreferencePairs.SplitByInstruction(rows, Math.Min(settings.HeldOutPairs, rows.Count / 5),
            KeyedRandom.Create("dpo-held-out", "pairs", spec.Seed));
        var train = PreferencePairs.Examples(trainRows);
        var heldOut = PreferencePairs.Examples(heldOutRows);
        if (train.Count == 0) throw new InvalidOperationException("the shared preference data has no pair with a preference: DPO has nothing to learn from");

        var device = TorchDevice.Of(spec.Compute);
        var (policy, tokenizer) = Checkpoint.LoadPolicy(spec.SftPolicy, device);
        using var model = policy;
        var trainPairs = FittedPairs.Of(tokenizer, train, model.Config.MaxSequenceLength);
        var heldOutPairs = FittedPairs.Of(tokenizer, heldOut, model.Config.MaxSequenceLength);

        // 2. The frozen reference's log-probabilities, once per pair; SimPO has no reference.
        if (settings.Loss != PreferenceLoss.SimPo)
        {
            var (reference, _) = Checkpoint.LoadPolicy(spec.SftPolicy, device);
            using (reference)
            {
                var progress = new TrainingProgressReporter(reporter, "reference");
                trainPairs.ScoreReference(reference, settings.BatchSize, progress, 0, trainPairs.Count + heldOutPairs.Count);
                heldOutPairs.ScoreReference(reference, settings.BatchSize, progress, trainPairs.Count, trainPairs.Count + heldOutPairs.Count);
            }
        }
        reporter.Log(MethodLogLevel.Information, string.Create(CultureInfo.InvariantCulture,
            $"{settings.Loss.ToString().ToLowerInvariant()} on {train.Count} pairs ({rows.Count - train.Count - heldOut.Count} draws dropped), {heldOut.Count} held out; reference scored in {clock.Elapsed.TotalSeconds:F0} s"));

        // 3. The policy's own loop: SFT's optimiser and schedule, the pairwise loss, held-out measurements each epoch.
        var options = TrainingOptions.FineTune(spec.Hyperparameters, spec.Seed) with { Precision = PrecisionScope.Of(spec.Compute) };
        using var log = new EpochLog(spec.WorkDirectory, reporter, options.Epochs);
        log.Write(0, double.NaN, [], heldOutPairs.Measure(model, settings), clock.Elapsed.TotalSeconds);
        var epochLosses = new List<double>();
        var epochMargins = new List<float>();
        TrainingLoop.Run(model, options, trainPairs.Count, "dpo-order", indices =>
        {
            var (batch, pairs) = trainPairs.Forward(model, indices);
            var loss = PreferenceObjective.Loss(settings.Loss, pairs, settings.Beta, settings.Gamma);
            using (no_grad())
                epochMargins.AddRange(PreferenceObjective.RewardMargins(settings.Loss, pairs, settings.Beta).cpu().data<float>().ToArray());
            epochLosses.Add(loss.item<float>());
            return new StepLoss(loss, batch.RealTokens);
        }, new TrainingProgressReporter(reporter, "dpo"), cancellationToken, epoch =>
        {
            log.Write(epoch, epochLosses.Average(), epochMargins, heldOutPairs.Measure(model, settings), clock.Elapsed.TotalSeconds);
            epochLosses.Clear();
            epochMargins.Clear();
            // Every epoch but the last (whose policy is the one returned) as a checkpoint the host records; none is a row.
            if (epoch < options.Epochs)
            {
                var folder = Path.Combine(spec.WorkDirectory, "checkpoints", string.Create(CultureInfo.InvariantCulture, $"epoch-{epoch}"));
                reporter.ReportArtifact(new MethodArtifact(Checkpoint.SavePolicy(model, tokenizer, folder, CodeVersion), epoch,
                    string.Create(CultureInfo.InvariantCulture, $"policy after epoch {epoch}")));
            }
        });

        IPolicy trained = TorchPolicy.Save(model, tokenizer, Path.Combine(spec.WorkDirectory, "policy"), CodeVersion, spec.Compute,
            $"{settings.Loss.ToString().ToLowerInvariant()} on {train.Count} preference pairs");
        return Task.FromResult(trained);
    }
}
