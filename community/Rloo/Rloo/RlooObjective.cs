using TorchSharp;
using static TorchSharp.torch;

namespace Rloo;

/// <summary>
/// The REINFORCE loss of a step's rollouts, each response one action: −(1/N) Σ_i A_i · log π(y_i | x_i), with
/// log π(y_i | x_i) = Σ_t log π(y_i,t | x_i, y_i,&lt;t) and the advantages A_i constants. Its gradient is the policy-gradient
/// estimate (1/N) Σ_i A_i ∇ log π(y_i | x_i). A micro-batch of the step passes its rows and the step's N.
/// </summary>
public static class RlooObjective
{
    /// <param name="sequenceLogProbs">[rows] summed response log-probabilities under the policy being trained (with their graph).</param>
    /// <param name="advantages">[rows] the rows' advantages.</param>
    /// <param name="stepRollouts">N, the step's rollouts: the micro-batches' losses add up to the step's.</param>
    public static Tensor Loss(Tensor sequenceLogProbs, Tensor advantages, int stepRollouts)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(stepRollouts, 1);
        using var scope = NewDisposeScope();
        using var divisor = ((double)stepRollouts).ToScalar();
        return sequenceLogProbs.mul(advantages).sum().neg().div(divisor).MoveToOuterDisposeScope();
    }
}
