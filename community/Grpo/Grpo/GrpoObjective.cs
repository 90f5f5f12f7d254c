using TorchSharp;
using static TorchSharp.torch;

namespace Grpo;

/// <summary>What one GRPO micro-batch's loss was made of, as plain numbers for the step log (token means).</summary>
public sealed record GrpoLossParts(double ClipFraction, double Kl);

/// <summary>
/// GRPO's loss over response tokens [rows, time] with a mask, A_i one number per response:
/// ρ_t = exp(log π − log π_old); s_t = min(ρ_t·A, clip(ρ_t, 1 ± ε)·A); KL_t = exp(log π_ref − log π) − (log π_ref − log π) − 1
/// (the k3 estimator, ≥ 0); ℓ_t = −(s_t − β·KL_t). grpo: (1/N) Σ_i (1/|y_i|) Σ_t ℓ_t; dr-grpo: Σ_i Σ_t ℓ_t / (N · L), L the
/// longest response allowed. N is the step's rollouts, so a micro-batch's losses add up to the step's.
/// </summary>
public static class GrpoObjective
{
    public static (Tensor Loss, GrpoLossParts Parts) Loss(Tensor logProbs, Tensor oldLogProbs, Tensor referenceLogProbs, Tensor advantages, Tensor mask,
        double clipRange, double klCoefficient, GrpoVariant variant, int stepRollouts, int maxNewTokens)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(stepRollouts, 1);
        using var scope = NewDisposeScope();
        using var low = (1 - clipRange).ToScalar();
        using var high = (1 + clipRange).ToScalar();
        using var beta = klCoefficient.ToScalar();
        using var one = 1.0.ToScalar();
        var perRow = advantages.unsqueeze(1);
        var ratio = logProbs.sub(oldLogProbs).exp();
        var surrogate = ratio.mul(perRow);
        var clipped = ratio.clamp(low, high).mul(perRow);
        var objective = surrogate.minimum(clipped);
        var referenceLog = referenceLogProbs.sub(logProbs);
        var kl = referenceLog.exp().sub(referenceLog).sub(one);
        var tokenLoss = objective.sub(kl.mul(beta)).neg().mul(mask);
        using var rows = ((double)stepRollouts).ToScalar();
        Tensor loss;
        if (variant == GrpoVariant.Grpo)
            loss = tokenLoss.sum(1).div(mask.sum(1).clamp_min(one)).sum().div(rows);
        else
        {
            using var constant = ((double)stepRollouts * maxNewTokens).ToScalar();
            loss = tokenLoss.sum().div(constant);
        }
        var tokens = mask.sum().clamp_min(one);
        var parts = new GrpoLossParts(
            clipped.lt(surrogate).to(ScalarType.Float32).mul(mask).sum().div(tokens).item<float>(),
            kl.mul(mask).sum().div(tokens).item<float>());
        return (loss.MoveToOuterDisposeScope(), parts);
    }
}
