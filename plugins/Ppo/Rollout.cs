using AlpacaFarm.Modeling.Reinforcement;

namespace AlpacaFarm.Plugins.Ppo;

/// <summary>
/// One rollout with everything PPO needs from it, per response token: the sampling policy's and the reference's
/// log-probabilities, the value estimates, and the reward model's score with its two readouts; unless
/// <c>likelihood_credit=last</c>, also the likelihood readout's per-token terms (β × log p_RM of each token).
/// </summary>
internal sealed record Rollout(
    int[] Prompt,
    int[] Response,
    float[] LogProbs,
    float[] ReferenceLogProbs,
    float[] Values,
    float Score,
    float ScoreHead,
    float ScoreLikelihood,
    float[]? LikelihoodTerms = null)
{
    /// <summary>
    /// The shaped per-token rewards (<see cref="RewardShaping.Shape"/>), with the likelihood terms credited to their
    /// tokens (<see cref="RewardShaping.CreditTokens"/>) when the rollout carries them.
    /// </summary>
    public float[] ShapedRewards(double klCoefficient, double meanResponseLength, double meanLikelihoodTerm)
    {
        var rewards = RewardShaping.Shape(LogProbs, ReferenceLogProbs, Score, klCoefficient);
        return LikelihoodTerms is null ? rewards : RewardShaping.CreditTokens(rewards, LikelihoodTerms, meanResponseLength, meanLikelihoodTerm);
    }
}
