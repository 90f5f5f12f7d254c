namespace AlpacaFarm.Plugins.Ppo;

/// <summary>
/// Generalised advantage estimation (Schulman et al. 2016) over each rollout's response tokens. Rows are jagged: a
/// response's own length ends its row, and the value after its last token is 0 (the episode is over).
/// </summary>
internal static class Gae
{
    /// <summary>
    /// Per token t: δ_t = r_t + γ·V_{t+1} − V_t and A_t = δ_t + γλ·A_{t+1}, computed backwards from the last token; the
    /// returns the value function regresses on are A_t + V_t. With γ = λ = 1 (AlpacaFarm's setting) A_t is the sum of
    /// the rewards from t on, less V_t.
    /// </summary>
    /// <param name="rewards">Per rollout, the reward of each response token.</param>
    /// <param name="values">Per rollout, the value estimate at each response token (same lengths).</param>
    /// <param name="gamma">Discount γ in [0, 1].</param>
    /// <param name="lambda">GAE's λ in [0, 1].</param>
    public static (float[][] Advantages, float[][] Returns) Estimate(IReadOnlyList<float[]> rewards, IReadOnlyList<float[]> values, double gamma, double lambda)
    {
        ArgumentNullException.ThrowIfNull(rewards);
        ArgumentNullException.ThrowIfNull(values);
        if (rewards.Count != values.Count) throw new ArgumentException("one value row per reward row", nameof(values));
        var advantages = new float[rewards.Count][];
        var returns = new float[rewards.Count][];
        for (var row = 0; row < rewards.Count; row++)
        {
            var (r, v) = (rewards[row], values[row]);
            if (r.Length != v.Length) throw new ArgumentException($"rollout {row}: {r.Length} rewards but {v.Length} values", nameof(values));
            var a = new float[r.Length];
            double next = 0, running = 0;
            for (var t = r.Length - 1; t >= 0; t--)
            {
                var delta = r[t] + gamma * next - v[t];
                running = delta + gamma * lambda * running;
                a[t] = (float)running;
                next = v[t];
            }
            advantages[row] = a;
            returns[row] = [.. a.Select((advantage, t) => advantage + v[t])];
        }
        return (advantages, returns);
    }
}
