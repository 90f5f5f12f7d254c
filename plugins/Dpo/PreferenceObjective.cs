using AlpacaFarm.Modeling.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace AlpacaFarm.Plugins.Dpo;

/// <summary>Which loss <see cref="PreferenceObjective"/> minimises on a batch of preference pairs.</summary>
internal enum PreferenceLoss
{
    /// <summary>DPO (Rafailov et al. 2023): −log σ(β·h), h the difference of the two responses' log-ratios to the reference.</summary>
    Dpo,

    /// <summary>IPO (Azar et al. 2023): (h − 1/(2β))², which regresses h to a fixed margin instead of pushing it to infinity.</summary>
    Ipo,

    /// <summary>SimPO (Meng et al. 2024): −log σ(β·(mean log π(y_w) − mean log π(y_l)) − γ); no reference, length-normalised.</summary>
    SimPo,
}

/// <summary>
/// The pairwise objectives that learn from preferences without a reward model. Inputs are per pair, [pairs]:
/// summed response log-probabilities of the chosen (w) and rejected (l) responses under the policy being trained
/// (with their graph) and under the frozen reference, and the responses' token counts. With
/// h = (log π(y_w) − log π_ref(y_w)) − (log π(y_l) − log π_ref(y_l)):
/// DPO = mean −log σ(β·h); IPO = mean (h − 1/(2β))²; SimPO = mean −log σ(β·(log π(y_w)/|y_w| − log π(y_l)/|y_l|) − γ).
/// </summary>
internal static class PreferenceObjective
{
    /// <summary>The loss's mean over the pairs, differentiable through the policy's log-probabilities.</summary>
    /// <param name="beta">DPO's and IPO's β (the strength of the implicit anchor), or SimPO's reward scale.</param>
    /// <param name="gamma">SimPO's target margin γ; unused by DPO and IPO.</param>
    public static Tensor Loss(PreferenceLoss loss, PairLogProbs pairs, double beta, double gamma)
    {
        using var scope = NewDisposeScope();
        using var b = beta.ToScalar();
        var result = loss switch
        {
            PreferenceLoss.Dpo => nn.functional.logsigmoid(LogRatioDifference(pairs).mul(b)).neg(),
            PreferenceLoss.Ipo => Ipo(LogRatioDifference(pairs), beta),
            PreferenceLoss.SimPo => SimPo(pairs, b, gamma),
            _ => throw new ArgumentOutOfRangeException(nameof(loss), loss, "unknown preference loss"),
        };
        return result.mean().MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Each pair's implicit reward margin r(y_w) − r(y_l) as the loss defines the reward: β·h for DPO and IPO (the
    /// reward β·log π/π_ref), β·(mean log π(y_w) − mean log π(y_l)) for SimPO. Positive when the pair is ranked right.
    /// </summary>
    public static Tensor RewardMargins(PreferenceLoss loss, PairLogProbs pairs, double beta)
    {
        using var scope = NewDisposeScope();
        using var b = beta.ToScalar();
        var margins = loss == PreferenceLoss.SimPo ? LengthNormalisedDifference(pairs).mul(b) : LogRatioDifference(pairs).mul(b);
        return margins.MoveToOuterDisposeScope();
    }

    // h = (log π(y_w) − log π_ref(y_w)) − (log π(y_l) − log π_ref(y_l)).
    private static Tensor LogRatioDifference(PairLogProbs pairs) =>
        pairs.PolicyChosen.sub(pairs.ReferenceChosen).sub(pairs.PolicyRejected.sub(pairs.ReferenceRejected));

    private static Tensor LengthNormalisedDifference(PairLogProbs pairs) =>
        pairs.PolicyChosen.div(pairs.ChosenLengths).sub(pairs.PolicyRejected.div(pairs.RejectedLengths));

    private static Tensor Ipo(Tensor h, double beta)
    {
        using var target = (1 / (2 * beta)).ToScalar();
        return h.sub(target).square();
    }

    private static Tensor SimPo(PairLogProbs pairs, Scalar beta, double gamma)
    {
        using var g = gamma.ToScalar();
        return nn.functional.logsigmoid(LengthNormalisedDifference(pairs).mul(beta).sub(g)).neg();
    }
}

/// <summary>
/// Summed response log-probabilities of a batch of pairs, each [pairs] float32: under the policy (with its graph),
/// under the frozen reference (constants; ignored by SimPO), and the responses' token counts (end-of-sequence included).
/// </summary>
internal sealed record PairLogProbs(
    Tensor PolicyChosen, Tensor PolicyRejected, Tensor ReferenceChosen, Tensor ReferenceRejected, Tensor ChosenLengths, Tensor RejectedLengths);
