namespace AlpacaFarm.Modeling.Reinforcement;

/// <summary>
/// The per-token rewards of RLHF with a KL anchor, as AlpacaFarm shapes them: every response token pays
/// β·max(0, log π − log π_ref), and the last one also earns the reward model's score of the whole response.
/// </summary>
public static class RewardShaping
{
    /// <summary>Per token, log π − log π_ref clamped at 0: the policy is never paid for falling below the reference.</summary>
    public static float[] ClampedKl(IReadOnlyList<float> logProbs, IReadOnlyList<float> referenceLogProbs)
    {
        ArgumentNullException.ThrowIfNull(logProbs);
        ArgumentNullException.ThrowIfNull(referenceLogProbs);
        if (logProbs.Count != referenceLogProbs.Count) throw new ArgumentException("one reference log-probability per token", nameof(referenceLogProbs));
        return [.. logProbs.Select((logProb, t) => Math.Max(0, logProb - referenceLogProbs[t]))];
    }

    /// <summary>−β·(clamped KL) at every token, plus <paramref name="score"/> at the last; a response needs at least one token.</summary>
    public static float[] Shape(IReadOnlyList<float> logProbs, IReadOnlyList<float> referenceLogProbs, float score, double klCoefficient)
    {
        if (logProbs.Count == 0) throw new ArgumentException("a response needs at least one token to credit its score to", nameof(logProbs));
        var rewards = ClampedKl(logProbs, referenceLogProbs).Select(kl => (float)(-klCoefficient * kl)).ToArray();
        rewards[^1] += score;
        return rewards;
    }
}
