using AlpacaFarm.Modeling.Reinforcement;

namespace AlpacaFarm.Plugins.Ppo;

/// <summary>
/// One rollout with everything PPO needs from it, per response token: the sampling policy's and the reference's
/// log-probabilities, the value estimates, and the reward model's score with its two readouts.
/// </summary>
internal sealed record Rollout(
    int[] Prompt,
    int[] Response,
    float[] LogProbs,
    float[] ReferenceLogProbs,
    float[] Values,
    float Score,
    float ScoreHead,
    float ScoreLikelihood)
{
    /// <summary>The shaped per-token rewards (<see cref="RewardShaping.Shape"/>).</summary>
    public float[] ShapedRewards(double klCoefficient) => RewardShaping.Shape(LogProbs, ReferenceLogProbs, Score, klCoefficient);
}
