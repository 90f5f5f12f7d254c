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
    public const string CodeVersion = "sft-trainer/3";

    /// <summary>Trains <c>model</c> in place with the shared <see cref="TrainingLoop"/>.</summary>
    public TrainingResult Train(
        IReadOnlyList<SftExample> examples, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        if (examples.Count == 0) throw new ArgumentException("SFT needs at least one example", nameof(examples));
        var fitted = examples.Select(e => PromptFormat.Fit(tokenizer, e.Instruction, e.Response, model.Config.MaxSequenceLength, e.Control)).ToArray();
        var device = LogProbs.ModelDevice(model);
        return TrainingLoop.Run(model, options, fitted.Length, "sft-order", indices =>
        {
            var batch = SequenceBatch.Build(
                [.. indices.Select(i => fitted[i].Prompt)], [.. indices.Select(i => fitted[i].Response)], tokenizer.PadId, device);
            return new StepLoss(Loss(model, batch), batch.RealTokens);
        }, progress, cancellationToken);
    }

    /// <summary>Mean negative log-likelihood of the batch's response tokens.</summary>
    public static Tensor Loss(CausalTransformer model, SequenceBatch batch)
    {
        using var scope = NewDisposeScope();
        var logProbs = LogProbs.OfResponses(model, batch);
        return (-logProbs.sum() / batch.ResponseMask.sum().clamp_min(HeldScalars.One)).MoveToOuterDisposeScope();
    }
}
