namespace AlpacaFarm.Modeling.Reinforcement;

/// <summary>
/// Advantages that need no value model: each sample's reward compared with the other samples of its prompt's group. The
/// rewards come group by group, <c>groupSize</c> consecutive entries a group.
/// </summary>
public static class GroupAdvantages
{
    /// <summary>
    /// RLOO's (Ahmadian et al. 2024; Kool et al. 2019): A_i = r_i − the mean of the other k − 1 rewards of its group, an
    /// unbiased baseline since it does not depend on sample i.
    /// </summary>
    public static double[] LeaveOneOut(IReadOnlyList<double> rewards, int groupSize)
    {
        Check(rewards, groupSize, minimum: 2);
        var advantages = new double[rewards.Count];
        for (var start = 0; start < rewards.Count; start += groupSize)
        {
            var sum = 0.0;
            for (var i = start; i < start + groupSize; i++) sum += rewards[i];
            for (var i = start; i < start + groupSize; i++) advantages[i] = rewards[i] - (sum - rewards[i]) / (groupSize - 1);
        }
        return advantages;
    }

    /// <summary>
    /// GRPO's (Shao et al. 2024): A_i = (r_i − mean of the group) / (std of the group + <paramref name="epsilon"/>), the
    /// sample standard deviation (n − 1, as TRL's GRPOTrainer takes it); with <paramref name="scaleByStd"/> false, Dr. GRPO's
    /// (Liu et al. 2025) r_i − mean alone.
    /// </summary>
    public static double[] GroupNormalised(IReadOnlyList<double> rewards, int groupSize, bool scaleByStd, double epsilon = 1e-4)
    {
        Check(rewards, groupSize, minimum: scaleByStd ? 2 : 1);
        var advantages = new double[rewards.Count];
        for (var start = 0; start < rewards.Count; start += groupSize)
        {
            var mean = 0.0;
            for (var i = start; i < start + groupSize; i++) mean += rewards[i];
            mean /= groupSize;
            var scale = 1.0;
            if (scaleByStd)
            {
                var squares = 0.0;
                for (var i = start; i < start + groupSize; i++) squares += (rewards[i] - mean) * (rewards[i] - mean);
                scale = 1 / (Math.Sqrt(squares / (groupSize - 1)) + epsilon);
            }
            for (var i = start; i < start + groupSize; i++) advantages[i] = (rewards[i] - mean) * scale;
        }
        return advantages;
    }

    private static void Check(IReadOnlyList<double> rewards, int groupSize, int minimum)
    {
        ArgumentNullException.ThrowIfNull(rewards);
        if (groupSize < minimum) throw new ArgumentOutOfRangeException(nameof(groupSize), groupSize, $"a group needs at least {minimum} samples");
        if (rewards.Count % groupSize != 0) throw new ArgumentException($"{rewards.Count} rewards do not make groups of {groupSize}", nameof(rewards));
    }
}
