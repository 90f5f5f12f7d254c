namespace AlpacaFarm.Modeling.Reinforcement;

/// <summary>Whitening of per-token rows (rewards, advantages) across a whole batch of rollouts.</summary>
public static class Whitening
{
    /// <summary>
    /// Whitening over every token of every rollout: (x − mean) / √(variance + 1e-8), with the population variance. With
    /// <paramref name="shiftMean"/> false the mean is added back, so only the scale changes (AlpacaFarm whitens rewards
    /// that way, and advantages with the mean shifted to 0).
    /// </summary>
    public static float[][] Whiten(IReadOnlyList<float[]> rows, bool shiftMean)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var count = rows.Sum(row => row.Length);
        if (count == 0) return [.. rows.Select(row => row.ToArray())];
        var mean = rows.Sum(row => row.Sum(x => (double)x)) / count;
        var variance = rows.Sum(row => row.Sum(x => (x - mean) * (x - mean))) / count;
        var scale = 1 / Math.Sqrt(variance + 1e-8);
        return [.. rows.Select(row => row.Select(x => (float)((x - mean) * scale + (shiftMean ? 0 : mean))).ToArray())];
    }
}
