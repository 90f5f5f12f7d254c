using AlpacaFarm.Modeling.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace AlpacaFarm.Modeling.Reinforcement;

/// <summary>What one PPO minibatch's loss was made of, as plain numbers for the step log.</summary>
/// <param name="PolicyLoss">The clipped surrogate's mean over response tokens.</param>
/// <param name="ValueLoss">Half the clipped squared error of the values, mean over response tokens (before its weight).</param>
/// <param name="ClipFraction">Fraction of tokens whose clipped surrogate was the larger (the clip was active).</param>
/// <param name="ValueClipFraction">Fraction of tokens whose clipped value error was the larger.</param>
/// <param name="ApproximateKl">½·mean (log π − log π_old)², how far the minibatch's policy moved from the rollout policy.</param>
public sealed record PpoLossParts(double PolicyLoss, double ValueLoss, double ClipFraction, double ValueClipFraction, double ApproximateKl);

/// <summary>
/// The PPO objective (Schulman et al. 2017) as AlpacaFarm minimises it, over response tokens [batch, time] with a mask
/// (1 for a response token, 0 for padding):
/// policy loss = mean max(−A·ρ, −A·clip(ρ, 1 ± ε)) with ρ = exp(log π − log π_old);
/// value loss = ½·mean max((V − R)², (V_old + clip(V − V_old, ±ε_V) − R)²);
/// loss = policy loss + c_V·value loss.
/// </summary>
public static class PpoObjective
{
    /// <summary>The loss (differentiable through <paramref name="logProbs"/> and <paramref name="values"/>) and its parts.</summary>
    /// <param name="logProbs">log π of the rollout tokens under the policy being trained.</param>
    /// <param name="oldLogProbs">log π_old: the same tokens under the policy that sampled them.</param>
    /// <param name="advantages">A, whitened.</param>
    /// <param name="values">V from the value model being trained.</param>
    /// <param name="oldValues">V_old from the value model at rollout time.</param>
    /// <param name="returns">R = A (before whitening) + V_old.</param>
    /// <param name="mask">1 for response tokens, 0 for padding.</param>
    /// <param name="clipRange">ε for the ratio.</param>
    /// <param name="valueClipRange">ε_V for the values.</param>
    /// <param name="valueCoefficient">c_V, the value loss's weight.</param>
    public static (Tensor Loss, PpoLossParts Parts) Loss(Tensor logProbs, Tensor oldLogProbs, Tensor advantages, Tensor values, Tensor oldValues,
        Tensor returns, Tensor mask, double clipRange, double valueClipRange, double valueCoefficient)
    {
        using var scope = NewDisposeScope();
        using var low = (1 - clipRange).ToScalar();
        using var high = (1 + clipRange).ToScalar();
        using var valueLow = (-valueClipRange).ToScalar();
        using var valueHigh = valueClipRange.ToScalar();
        using var half = 0.5.ToScalar();
        using var weight = valueCoefficient.ToScalar();

        var logRatio = logProbs.sub(oldLogProbs);
        var ratio = logRatio.exp();
        var surrogate = advantages.neg().mul(ratio);
        var clippedSurrogate = advantages.neg().mul(ratio.clamp(low, high));
        var policyLoss = MaskedMean(surrogate.maximum(clippedSurrogate), mask);

        var clippedValues = oldValues.add(values.sub(oldValues).clamp(valueLow, valueHigh), HeldScalars.One);
        var valueError = values.sub(returns).square();
        var clippedValueError = clippedValues.sub(returns).square();
        var valueLoss = MaskedMean(valueError.maximum(clippedValueError), mask).mul(half);

        var loss = policyLoss.add(valueLoss.mul(weight), HeldScalars.One);
        var parts = new PpoLossParts(
            policyLoss.item<float>(),
            valueLoss.item<float>(),
            MaskedMean(clippedSurrogate.gt(surrogate).to(ScalarType.Float32), mask).item<float>(),
            MaskedMean(clippedValueError.gt(valueError).to(ScalarType.Float32), mask).item<float>(),
            MaskedMean(logRatio.square(), mask).mul(half).item<float>());
        return (loss.MoveToOuterDisposeScope(), parts);
    }

    /// <summary>Mean of <paramref name="values"/> over the tokens <paramref name="mask"/> marks.</summary>
    public static Tensor MaskedMean(Tensor values, Tensor mask)
    {
        using var scope = NewDisposeScope();
        return values.mul(mask).sum().div(mask.sum().clamp_min(HeldScalars.One)).MoveToOuterDisposeScope();
    }
}
