namespace AlpacaFarm.Plugins.Ppo;

/// <summary>
/// The per-token rewards of RLHF with a KL anchor, as AlpacaFarm shapes them: every response token pays
/// β·max(0, log π − log π_ref), and the last one also earns the reward model's score of the whole response.
/// </summary>
internal static class RewardShaping
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

    /// <summary>
    /// Pays a score's per-token part where it is earned, leaving each response's total unchanged: every token t gains
    /// (terms[t] − <paramref name="centre"/>) / <paramref name="tokensPerResponse"/>, and the last gives back the sum of
    /// those gains. With γ = 1 the return from token t is then the whole score less Σ_{t′&lt;t} (terms[t′] − centre) /
    /// tokensPerResponse, a baseline that depends only on tokens already chosen, so the policy gradient keeps its
    /// expectation and loses the earlier tokens' noise (the reward-to-go argument). Neither constant should depend on
    /// this response's own tokens: the means of a step of many responses serve. The centre keeps the returns from falling
    /// along the response by the mean term a token (a ramp a zero-initialised value model would first have to learn).
    /// </summary>
    public static float[] CreditTokens(IReadOnlyList<float> rewards, IReadOnlyList<float> terms, double tokensPerResponse, double centre)
    {
        ArgumentNullException.ThrowIfNull(rewards);
        ArgumentNullException.ThrowIfNull(terms);
        if (rewards.Count == 0 || rewards.Count != terms.Count) throw new ArgumentException("one term per rewarded token", nameof(terms));
        if (!(tokensPerResponse > 0)) throw new ArgumentOutOfRangeException(nameof(tokensPerResponse), "must be positive");
        var credited = rewards.Select((reward, t) => (float)(reward + (terms[t] - centre) / tokensPerResponse)).ToArray();
        credited[^1] -= (float)(terms.Sum(term => term - centre) / tokensPerResponse);
        return credited;
    }
}
