namespace AlpacaFarm.Evaluation.Metrics;

/// <summary>The pandas-style moments the metrics report (sample standard deviation, ddof = 1).</summary>
internal static class SampleStatistics
{
    public static double Mean(IReadOnlyList<double> values) =>
        values.Count == 0 ? double.NaN : values.Sum() / values.Count;

    /// <summary>Sample standard deviation; NaN below two values, as in pandas.</summary>
    public static double StandardDeviation(IReadOnlyList<double> values)
    {
        if (values.Count < 2)
        {
            return double.NaN;
        }

        var mean = Mean(values);
        var squares = values.Sum(v => (v - mean) * (v - mean));
        return Math.Sqrt(squares / (values.Count - 1));
    }

    /// <summary>Standard error of the mean: sample standard deviation over √n.</summary>
    public static double StandardError(IReadOnlyList<double> values) =>
        StandardDeviation(values) / Math.Sqrt(values.Count);
}
