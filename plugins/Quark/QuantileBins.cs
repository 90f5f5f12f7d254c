namespace AlpacaFarm.Plugins.Quark;

/// <summary>
/// Quark's reward quantiles: a pool of scored rollouts sorted by score, best first, and cut into equal bins, bin 0 the
/// best. Ties keep the pool's order (the earlier rollout ranks higher), so the same pool always bins the same way.
/// With a pool that does not divide evenly, bin sizes differ by at most one (rank r goes to bin ⌊r·bins / n⌋).
/// </summary>
internal static class QuantileBins
{
    /// <summary>The bin of each score, in the pool's order.</summary>
    public static int[] Assign(IReadOnlyList<float> scores, int bins)
    {
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentOutOfRangeException.ThrowIfLessThan(bins, 1);
        var ranked = Enumerable.Range(0, scores.Count).OrderByDescending(i => scores[i]).ThenBy(i => i).ToArray();
        var assigned = new int[scores.Count];
        for (var rank = 0; rank < ranked.Length; rank++) assigned[ranked[rank]] = (int)((long)rank * bins / ranked.Length);
        return assigned;
    }

    /// <summary>The lowest score in each bin (bin 0 first); NaN for an empty bin.</summary>
    public static double[] LowerBounds(IReadOnlyList<float> scores, IReadOnlyList<int> assigned, int bins) =>
        [.. Enumerable.Range(0, bins).Select(bin =>
        {
            var members = Enumerable.Range(0, scores.Count).Where(i => assigned[i] == bin).Select(i => (double)scores[i]).ToList();
            return members.Count == 0 ? double.NaN : members.Min();
        })];
}
