using TorchSharp;
using static TorchSharp.torch;

namespace Kto;

/// <summary>
/// The KTO loss (Ethayarajh et al. 2024) over a batch of examples, each with r = log π(y|x) − log π_SFT(y|x) (summed over
/// the response) and a flag, desirable or not; z is the reference point, the batch's KL estimate (clamped at 0 and not
/// differentiated: a number). Desirable: λ_D·(1 − σ(β·(r − z))); undesirable: λ_U·(1 − σ(β·(z − r))); the mean over the batch.
/// </summary>
public static class KtoObjective
{
    /// <param name="logRatios">[batch] r, with the policy's graph.</param>
    /// <param name="desirable">[batch] true for a desirable example.</param>
    /// <param name="klEstimate">z before clamping: the mean over the batch's KL pairs of log π − log π_SFT.</param>
    public static Tensor Loss(Tensor logRatios, Tensor desirable, double klEstimate, double beta, double desirableWeight, double undesirableWeight)
    {
        using var scope = NewDisposeScope();
        using var z = Math.Max(0, klEstimate).ToScalar();
        using var b = beta.ToScalar();
        using var one = 1.0.ToScalar();
        using var wanted = desirableWeight.ToScalar();
        using var unwanted = undesirableWeight.ToScalar();
        var centred = logRatios.sub(z).mul(b);
        var desirableLoss = centred.sigmoid().neg().add(one).mul(wanted);
        var undesirableLoss = centred.neg().sigmoid().neg().add(one).mul(unwanted);
        return torch.where(desirable, desirableLoss, undesirableLoss).mean().MoveToOuterDisposeScope();
    }
}
