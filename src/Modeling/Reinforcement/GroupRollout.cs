namespace AlpacaFarm.Modeling.Reinforcement;

/// <summary>
/// One of a group's samples, with what a group method (RLOO, GRPO) needs from it: per response token, the sampling
/// policy's and the frozen reference's log-probabilities at the sampling temperature, and the proxy reward model's score.
/// </summary>
/// <param name="Group">The group's index in the step (its prompt's position in the step's batch).</param>
/// <param name="Prompt">The prompt's token ids.</param>
/// <param name="Response">The response's token ids (end-of-sequence included when the policy ended it); never empty.</param>
/// <param name="LogProbs">log π_old of each response token under the policy that sampled it.</param>
/// <param name="ReferenceLogProbs">log π_ref of each response token under the frozen reference.</param>
/// <param name="Score">The reward model's score of the whole response (both readouts).</param>
public sealed record GroupRollout(int Group, int[] Prompt, int[] Response, float[] LogProbs, float[] ReferenceLogProbs, float Score)
{
    /// <summary>Σ_t (log π_old − log π_ref): the sampled estimate of the response's KL to the reference (unclamped).</summary>
    public double SequenceKl
    {
        get
        {
            double sum = 0;
            for (var t = 0; t < LogProbs.Length; t++) sum += LogProbs[t] - ReferenceLogProbs[t];
            return sum;
        }
    }
}
