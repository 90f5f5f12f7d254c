using AlpacaFarm.Modeling.Reinforcement;
using AlpacaFarm.Modeling.Scoring;
using AlpacaFarm.Modeling.Tokenization;
using AlpacaFarm.Modeling.Training;
using AlpacaFarm.Modeling.Transformer;
using TorchSharp;
using static TorchSharp.torch;

namespace AlpacaFarm.Plugins.Dpo;

/// <summary>The implicit reward margin's mean over pairs, and the fraction of pairs it ranks right (margin &gt; 0).</summary>
internal readonly record struct MarginMeasure(double Margin, double Accuracy)
{
    /// <summary>The measure of these margins; NaN for none.</summary>
    public static MarginMeasure Of(IReadOnlyCollection<float> margins) => margins.Count == 0
        ? new MarginMeasure(double.NaN, double.NaN)
        : new MarginMeasure(margins.Average(m => (double)m), margins.Count(m => m > 0) / (double)margins.Count);
}

/// <summary>
/// Preference pairs tokenised once, cut to the model's length, with the frozen reference's summed log-probabilities of
/// each chosen and rejected response once <see cref="ScoreReference"/> has run (zero before: SimPO never reads them).
/// A batch lays out the chosen responses, then the rejected ones.
/// </summary>
internal sealed class FittedPairs
{
    private readonly (int[] Prompt, int[] Response)[] _chosen;
    private readonly (int[] Prompt, int[] Response)[] _rejected;
    private readonly float[] _referenceChosen;
    private readonly float[] _referenceRejected;
    private readonly int _padId;

    private FittedPairs((int[], int[])[] chosen, (int[], int[])[] rejected, int padId)
    {
        (_chosen, _rejected, _padId) = (chosen, rejected, padId);
        _referenceChosen = new float[chosen.Length];
        _referenceRejected = new float[chosen.Length];
    }

    public int Count => _chosen.Length;

    public static FittedPairs Of(ITokenizer tokenizer, IReadOnlyList<PreferenceExample> pairs, int maxLength) => new(
        [.. pairs.Select(p => PromptFormat.Fit(tokenizer, p.Instruction, p.Chosen, maxLength))],
        [.. pairs.Select(p => PromptFormat.Fit(tokenizer, p.Instruction, p.Rejected, maxLength))],
        tokenizer.PadId);

    /// <summary>Scores every pair under the frozen reference, once, reporting progress as <paramref name="before"/> + pairs done of <paramref name="total"/>.</summary>
    public void ScoreReference(CausalTransformer reference, int batchSize, IProgress<TrainingProgress> progress, int before, int total)
    {
        using var noGrad = no_grad();
        for (var start = 0; start < Count; start += batchSize)
        {
            using var scope = NewDisposeScope();
            var indices = Enumerable.Range(start, Math.Min(batchSize, Count - start)).ToArray();
            var batch = Batch(indices, LogProbs.ModelDevice(reference));
            var sums = LogProbs.OfResponses(reference, batch).sum(1).cpu().data<float>().ToArray();
            for (var i = 0; i < indices.Length; i++)
            {
                _referenceChosen[indices[i]] = sums[i];
                _referenceRejected[indices[i]] = sums[indices.Length + i];
            }
            progress.Report(new TrainingProgress(before + start + indices.Length, total, double.NaN, double.NaN, double.NaN));
        }
    }

    /// <summary>The policy's summed log-probabilities of the pairs (with their graph) beside the reference's; in the caller's dispose scope.</summary>
    public (SequenceBatch Batch, PairLogProbs Pairs) Forward(CausalTransformer model, int[] indices)
    {
        var device = LogProbs.ModelDevice(model);
        var batch = Batch(indices, device);
        var sums = LogProbs.OfResponses(model, batch).sum(1);
        var n = indices.Length;
        Tensor Floats(Func<int, float> value) => torch.tensor(indices.Select(value).ToArray(), device: device);
        return (batch, new PairLogProbs(
            sums.narrow(0, 0, n), sums.narrow(0, n, n),
            Floats(i => _referenceChosen[i]), Floats(i => _referenceRejected[i]),
            Floats(i => _chosen[i].Response.Length), Floats(i => _rejected[i].Response.Length)));
    }

    /// <summary>The implicit reward margin and accuracy of the current policy over every pair (NaN when there are none).</summary>
    public MarginMeasure Measure(CausalTransformer model, DpoSettings settings)
    {
        using var noGrad = no_grad();
        var margins = new List<float>(Count);
        for (var start = 0; start < Count; start += settings.BatchSize)
        {
            using var scope = NewDisposeScope();
            var (_, pairs) = Forward(model, [.. Enumerable.Range(start, Math.Min(settings.BatchSize, Count - start))]);
            margins.AddRange(PreferenceObjective.RewardMargins(settings.Loss, pairs, settings.Beta).cpu().data<float>().ToArray());
        }
        return MarginMeasure.Of(margins);
    }

    private SequenceBatch Batch(int[] indices, Device device) => SequenceBatch.Build(
        [.. indices.Select(i => _chosen[i].Prompt).Concat(indices.Select(i => _rejected[i].Prompt))],
        [.. indices.Select(i => _chosen[i].Response).Concat(indices.Select(i => _rejected[i].Response))],
        _padId, device);
}
