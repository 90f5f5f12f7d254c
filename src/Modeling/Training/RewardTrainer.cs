using AlpacaFarm.Modeling.Scoring;
using AlpacaFarm.Modeling.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace AlpacaFarm.Modeling.Training;

/// <summary>What reward-model training did, with the accuracy on held-out pairs.</summary>
public sealed record RewardTrainingResult(TrainingResult Training, double HeldOutAccuracy);

/// <summary>
/// Pairwise reward-model training: loss = BCE(σ(r(chosen) − r(rejected)), 1) = −log σ(r(chosen) − r(rejected)). The
/// backbone trains in <see cref="TrainingOptions.Precision"/>; held-out accuracy is measured in the model's own precision.
/// </summary>
public sealed class RewardTrainer(RewardModel model, ITokenizer tokenizer, TrainingOptions options)
{
    /// <summary>Bump when the trainer's behaviour changes: cached reward models made by older code are then rebuilt.</summary>
    public const string CodeVersion = "reward-trainer/4";

    /// <summary>Trains <c>model</c> in place on <paramref name="train"/> and measures accuracy on <paramref name="heldOut"/>.</summary>
    public RewardTrainingResult Train(
        IReadOnlyList<PreferenceExample> train, IReadOnlyList<PreferenceExample> heldOut,
        IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        if (train.Count == 0) throw new ArgumentException("reward training needs at least one pair", nameof(train));
        var device = LogProbs.ModelDevice(model);
        var result = TrainingLoop.Run(model, options, train.Count, "reward-order", indices =>
        {
            var batch = PairBatch([.. indices.Select(i => train[i])], device);
            return new StepLoss(Loss(model.Score(batch), indices.Length), batch.RealTokens);
        }, progress, cancellationToken);
        return new RewardTrainingResult(result, heldOut.Count == 0 ? double.NaN : Accuracy(heldOut));
    }

    /// <summary>Fraction of pairs whose chosen response gets the strictly higher reward.</summary>
    public double Accuracy(IReadOnlyList<PreferenceExample> pairs)
    {
        var chosen = model.Score(tokenizer, [.. pairs.Select(p => (p.Instruction, p.Chosen))], options.BatchSize * 2);
        var rejected = model.Score(tokenizer, [.. pairs.Select(p => (p.Instruction, p.Rejected))], options.BatchSize * 2);
        return pairs.Count == 0 ? double.NaN : chosen.Zip(rejected).Count(p => p.First > p.Second) / (double)pairs.Count;
    }

    /// <summary>−mean log σ(r(chosen) − r(rejected)) from rewards laid out as [chosen…, rejected…].</summary>
    public static Tensor Loss(Tensor rewards, int pairs)
    {
        using var scope = NewDisposeScope();
        var margin = rewards.narrow(0, 0, pairs) - rewards.narrow(0, pairs, pairs);
        return (-nn.functional.logsigmoid(margin).mean()).MoveToOuterDisposeScope();
    }

    // The chosen responses, then the rejected ones, in one batch.
    private SequenceBatch PairBatch(IReadOnlyList<PreferenceExample> pairs, Device device)
    {
        var max = model.Config.MaxSequenceLength;
        var fitted = pairs.Select(p => PromptFormat.Fit(tokenizer, p.Instruction, p.Chosen, max))
            .Concat(pairs.Select(p => PromptFormat.Fit(tokenizer, p.Instruction, p.Rejected, max))).ToArray();
        return SequenceBatch.Build([.. fitted.Select(f => f.Prompt)], [.. fitted.Select(f => f.Response)], tokenizer.PadId, device);
    }
}
