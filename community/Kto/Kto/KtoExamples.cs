using System.Globalization;
using AlpacaFarm.Abstractions.Randomness;
using AlpacaFarm.Modeling.Scoring;
using AlpacaFarm.Modeling.Tokenization;
using AlpacaFarm.Modeling.Training;
using AlpacaFarm.Modeling.Transformer;
using TorchSharp;
using static TorchSharp.torch;

namespace Kto;

/// <summary>
/// The pairs unpaired: examples 0 … N−1 are the preferred responses (desirable), N … 2N−1 the dispreferred ones, each cut to
/// the model's length, each with a KL partner: its own prompt with another example's response, the partners a keyed cycle
/// through all the examples (TRL pairs each prompt with the next example's response in its batch; a fixed cycle lets the
/// reference score every partner once). The reference's summed log-probabilities of both are kept as numbers.
/// </summary>
public sealed class KtoExamples
{
    private readonly (int[] Prompt, int[] Response)[] _examples;
    private readonly (int[] Prompt, int[] Response)[] _partners;
    private readonly float[] _reference;
    private readonly float[] _referencePartner;
    private readonly int _desirable;
    private readonly int _padId;

    private KtoExamples((int[], int[])[] examples, (int[], int[])[] partners, int desirable, int padId)
    {
        (_examples, _partners, _desirable, _padId) = (examples, partners, desirable, padId);
        _reference = new float[examples.Length];
        _referencePartner = new float[examples.Length];
    }

    public int Count => _examples.Length;

    /// <summary>Whether example <paramref name="index"/> is a preferred response.</summary>
    public bool IsDesirable(int index) => index < _desirable;

    public static KtoExamples Of(ITokenizer tokenizer, IReadOnlyList<PreferenceExample> pairs, int maxLength, long seed)
    {
        var texts = pairs.Select(p => (p.Instruction, Response: p.Chosen)).Concat(pairs.Select(p => (p.Instruction, Response: p.Rejected))).ToArray();
        var cycle = Enumerable.Range(0, texts.Length).ToArray();
        KeyedRandom.Create("kto-kl-partners", "cycle", seed).Shuffle(cycle);
        var partnerOf = new int[texts.Length];
        for (var j = 0; j < cycle.Length; j++) partnerOf[cycle[j]] = cycle[(j + 1) % cycle.Length];
        return new KtoExamples(
            [.. texts.Select(t => PromptFormat.Fit(tokenizer, t.Instruction, t.Response, maxLength))],
            [.. texts.Select((t, i) => PromptFormat.Fit(tokenizer, t.Instruction, texts[partnerOf[i]].Response, maxLength))],
            pairs.Count, tokenizer.PadId);
    }

    /// <summary>Scores every example and every KL partner under the frozen reference, once.</summary>
    public void ScoreReference(CausalTransformer reference, int batchSize, IProgress<TrainingProgress> progress)
    {
        using var noGrad = no_grad();
        var device = LogProbs.ModelDevice(reference);
        for (var start = 0; start < Count; start += batchSize)
        {
            using var scope = NewDisposeScope();
            var indices = Enumerable.Range(start, Math.Min(batchSize, Count - start)).ToArray();
            var own = Sums(reference, _examples, indices, device).data<float>().ToArray();
            var partner = Sums(reference, _partners, indices, device).data<float>().ToArray();
            for (var i = 0; i < indices.Length; i++) (_reference[indices[i]], _referencePartner[indices[i]]) = (own[i], partner[i]);
            progress.Report(new TrainingProgress(start + indices.Length, Count, double.NaN, double.NaN, double.NaN));
        }
    }

    /// <summary>
    /// The batch's log-ratios r = log π − log π_SFT (with the policy's graph) and its KL estimate: the mean over the batch's
    /// KL partners of log π − log π_SFT under the current policy, without a graph. In the caller's dispose scope.
    /// </summary>
    public (SequenceBatch Batch, Tensor LogRatios, double KlEstimate) Forward(CausalTransformer model, int[] indices)
    {
        var device = LogProbs.ModelDevice(model);
        double kl;
        using (no_grad())
        {
            var partner = Sums(model, _partners, indices, device).cpu().data<float>().ToArray();
            kl = indices.Select((index, i) => (double)partner[i] - _referencePartner[index]).Average();
        }
        var batch = Build(_examples, indices, device);
        var sums = LogProbs.OfResponses(model, batch).sum(1);
        var reference = torch.tensor(indices.Select(i => _reference[i]).ToArray(), device: device);
        return (batch, sums.sub(reference), kl);
    }

    /// <summary>[batch] true where the example is desirable, on <paramref name="device"/>, in the caller's dispose scope.</summary>
    public Tensor DesirableMask(int[] indices, Device device) => torch.tensor(indices.Select(IsDesirable).ToArray(), device: device);

    private Tensor Sums(CausalTransformer model, (int[] Prompt, int[] Response)[] rows, int[] indices, Device device) =>
        LogProbs.OfResponses(model, Build(rows, indices, device)).sum(1);

    private SequenceBatch Build((int[] Prompt, int[] Response)[] rows, int[] indices, Device device) =>
        SequenceBatch.Build([.. indices.Select(i => rows[i].Prompt)], [.. indices.Select(i => rows[i].Response)], _padId, device);
}
