using System.Diagnostics;
using AlpacaFarm.Modeling.Runtime;
using AlpacaFarm.Modeling.Scoring;
using AlpacaFarm.Modeling.Tokenization;
using AlpacaFarm.Modeling.Transformer;
using TorchSharp;
using static TorchSharp.torch;

namespace AlpacaFarm.Modeling.Training;

/// <summary>
/// Supervised fine-tuning: next-token cross-entropy on the response tokens only (end-of-sequence included). The model
/// trains in <see cref="TrainingOptions.Precision"/> and gets its own precision back afterwards.
/// </summary>
public sealed class SftTrainer(CausalTransformer model, ITokenizer tokenizer, TrainingOptions options)
{
    /// <summary>Bump when the trainer's behaviour changes: cached SFT artifacts made by older code are then rebuilt.</summary>
    public const string CodeVersion = "sft-trainer/2";

    /// <summary>Trains <c>model</c> in place; every step runs in its own dispose scope.</summary>
    public TrainingResult Train(
        IReadOnlyList<SftExample> examples, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        if (examples.Count == 0) throw new ArgumentException("SFT needs at least one example", nameof(examples));
        var fitted = examples.Select(e => PromptFormat.Fit(tokenizer, e.Instruction, e.Response, model.Config.MaxSequenceLength)).ToArray();
        var totalSteps = options.TotalSteps(fitted.Length);
        var device = LogProbs.ModelDevice(model);
        using var schedule = new AdamWSchedule(model, options, totalSteps);
        var losses = new List<double>(totalSteps);
        var clock = Stopwatch.StartNew();
        long tokens = 0;
        var precision = model.Precision;
        model.Precision = options.Precision;
        model.train();
        try
        {
            foreach (var indices in Examples.Batches(fitted.Length, options, "sft-order", totalSteps))
            {
                cancellationToken.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                var batch = SequenceBatch.Build(
                    [.. indices.Select(i => fitted[i].Prompt)], [.. indices.Select(i => fitted[i].Response)], tokenizer.PadId, device);
                var rate = schedule.LearningRate;
                schedule.ZeroGrad();
                var loss = Loss(model, batch);
                loss.backward();
                schedule.Step();
                losses.Add(loss.item<float>());
                tokens += batch.RealTokens;
                Report(progress, schedule, losses, rate, tokens, clock);
            }
        }
        finally
        {
            model.Precision = precision;
        }
        model.eval();
        return new TrainingResult(losses, tokens / Math.Max(1e-9, clock.Elapsed.TotalSeconds));
    }

    /// <summary>Mean negative log-likelihood of the batch's response tokens.</summary>
    public static Tensor Loss(CausalTransformer model, SequenceBatch batch)
    {
        using var scope = NewDisposeScope();
        var logProbs = LogProbs.OfResponses(model, batch);
        return (-logProbs.sum() / batch.ResponseMask.sum().clamp_min(HeldScalars.One)).MoveToOuterDisposeScope();
    }

    internal static void Report(
        IProgress<TrainingProgress>? progress, AdamWSchedule schedule, List<double> losses, double rate, long tokens, Stopwatch clock)
    {
        var step = losses.Count;
        if (progress is null || (step % schedule.ReportEvery != 0 && step != schedule.TotalSteps)) return;
        progress.Report(new TrainingProgress(step, schedule.TotalSteps, losses[^1], rate, tokens / Math.Max(1e-9, clock.Elapsed.TotalSeconds)));
    }
}
