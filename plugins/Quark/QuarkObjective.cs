using AlpacaFarm.Modeling.Reinforcement;
using AlpacaFarm.Modeling.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace AlpacaFarm.Plugins.Quark;

/// <summary>What one Quark minibatch's loss was made of, as plain numbers for the step log (means over response tokens).</summary>
internal sealed record QuarkLossParts(double NegativeLogLikelihood, double Kl, double Entropy);

/// <summary>
/// Quark's per-token loss (Lu et al. 2022, as AlpacaFarm minimises it): −log π(y_t) + c_KL·KL(π ‖ π_ref) − c_H·H(π),
/// the mean over response tokens. The KL and the entropy are over the full next-token distributions. The policy may
/// have more ids than the reference (its control tokens, appended last): its logits are cut to the reference's
/// vocabulary, which changes nothing, since a control token's logit is masked to probability 0.
/// </summary>
internal static class QuarkObjective
{
    /// <summary>The loss (differentiable through <paramref name="logits"/>) and its parts.</summary>
    /// <param name="logits">The policy's logits [batch, time, vocabulary] at the positions that predict each response token.</param>
    /// <param name="referenceLogits">The frozen reference's logits [batch, time, reference vocabulary] at the same positions.</param>
    /// <param name="responseIds">[batch, time] the response tokens.</param>
    /// <param name="mask">[batch, time] 1 for response tokens, 0 for padding.</param>
    public static (Tensor Loss, QuarkLossParts Parts) Loss(Tensor logits, Tensor referenceLogits, Tensor responseIds, Tensor mask,
        double klCoefficient, double entropyCoefficient)
    {
        using var scope = NewDisposeScope();
        using var klWeight = klCoefficient.ToScalar();
        using var entropyWeight = entropyCoefficient.ToScalar();
        var logProbs = logits.narrow(-1, 0, referenceLogits.shape[^1]).log_softmax(-1);
        var nll = logProbs.gather(2, responseIds.unsqueeze(2)).squeeze(2).neg();
        var kl = Kl(logProbs, referenceLogits.log_softmax(-1));
        var entropy = logProbs.exp().mul(logProbs).sum(-1).neg();
        var perToken = nll.add(kl.mul(klWeight), HeldScalars.One).sub(entropy.mul(entropyWeight));
        var loss = PpoObjective.MaskedMean(perToken, mask);
        var parts = new QuarkLossParts(
            PpoObjective.MaskedMean(nll, mask).item<float>(), PpoObjective.MaskedMean(kl, mask).item<float>(), PpoObjective.MaskedMean(entropy, mask).item<float>());
        return (loss.MoveToOuterDisposeScope(), parts);
    }

    /// <summary>KL(p ‖ q) = Σ_v p_v (log p_v − log q_v) per position, from log-probabilities over the same vocabulary; never negative (clamped at 0 against rounding).</summary>
    public static Tensor Kl(Tensor logP, Tensor logQ)
    {
        using var scope = NewDisposeScope();
        return logP.exp().mul(logP.sub(logQ)).sum(-1).clamp_min(HeldScalars.Zero).MoveToOuterDisposeScope();
    }
}
