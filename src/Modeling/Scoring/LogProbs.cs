using AlpacaFarm.Modeling.Runtime;
using AlpacaFarm.Modeling.Transformer;
using TorchSharp;
using static TorchSharp.torch;

namespace AlpacaFarm.Modeling.Scoring;

/// <summary>Per-token log-probabilities of given responses under a model, for PPO, DPO and Quark.</summary>
public static class LogProbs
{
    /// <summary>
    /// log p(response token t | prompt, earlier response tokens) for every response token, as [batch, longest
    /// response] (zero where <see cref="SequenceBatch.ResponseMask"/> is false). Differentiable: wrap the call in
    /// <c>torch.no_grad()</c> when no gradient is wanted. The result belongs to the caller's dispose scope.
    /// </summary>
    public static Tensor OfResponses(CausalTransformer model, SequenceBatch batch)
    {
        using var scope = NewDisposeScope();
        var hidden = model.Hidden(batch.Packed);
        return OfResponses(model.Logits(ResponseHidden(hidden, batch)), batch).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The same at a sampling temperature: log-probabilities under softmax(logits / <paramref name="temperature"/>), the
    /// distribution a sampler at that temperature (top-p 1) draws from. An RL method that samples at T must score its
    /// rollouts at T, or its ratios and KL describe another distribution than the one it sampled.
    /// </summary>
    public static Tensor OfResponses(CausalTransformer model, SequenceBatch batch, double temperature)
    {
        using var scope = NewDisposeScope();
        var hidden = model.Hidden(batch.Packed);
        return OfResponses(Tempered(model.Logits(ResponseHidden(hidden, batch)), temperature), batch).MoveToOuterDisposeScope();
    }

    /// <summary>Logits divided by <paramref name="temperature"/> (returned as they are at 1); it must be positive.</summary>
    public static Tensor Tempered(Tensor logits, double temperature)
    {
        if (!(temperature > 0)) throw new ArgumentOutOfRangeException(nameof(temperature), temperature, "a sampling temperature must be positive");
        if (temperature == 1) return logits;
        using var divisor = temperature.ToScalar();
        return logits.div(divisor);
    }

    /// <summary>The same from logits already computed at the positions that predict each response token.</summary>
    public static Tensor OfResponses(Tensor responseLogits, SequenceBatch batch) =>
        OfResponses(responseLogits, batch.ResponseIds, batch.ResponseMask);

    /// <summary>The same from logits and the right-padded response ids and mask [batch, response width] alone.</summary>
    public static Tensor OfResponses(Tensor responseLogits, Tensor responseIds, Tensor responseMask)
    {
        using var scope = NewDisposeScope();
        var logProbs = responseLogits.log_softmax(-1).gather(2, responseIds.unsqueeze(2)).squeeze(2);
        return logProbs.masked_fill(responseMask.logical_not(), HeldScalars.Zero).MoveToOuterDisposeScope();
    }

    /// <summary>The hidden states [batch, longest response, width] at the positions that predict the response tokens.</summary>
    public static Tensor ResponseHidden(Tensor hidden, SequenceBatch batch) =>
        hidden.narrow(1, batch.PromptWidth - 1, batch.ResponseIds.shape[1]);

    /// <summary>Summed log-probabilities per sequence as plain numbers (no gradient).</summary>
    public static float[] SequenceTotals(
        CausalTransformer model, IReadOnlyList<IReadOnlyList<int>> prompts, IReadOnlyList<IReadOnlyList<int>> responses, int padId)
    {
        using var scope = NewDisposeScope();
        using var noGrad = torch.no_grad();
        var batch = SequenceBatch.Build(prompts, responses, padId, ModelDevice(model));
        return OfResponses(model, batch).sum(1).cpu().data<float>().ToArray();
    }

    /// <summary>The device a module's parameters live on: where its batches must be built.</summary>
    public static Device ModelDevice(nn.Module module) => module.parameters().First().device;
}
