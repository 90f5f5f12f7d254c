namespace AlpacaFarm.Evaluation.Metrics;

/// <summary>The pandas-style moments the metrics report (sample standard deviation, ddof = 1).</summary>
public static class SampleStatistics
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

        // Deviations are taken from the first value, then corrected by their mean (the shifted-data
        // algorithm): identical values give exactly 0 rather than rounding noise from the mean.
        var shift = values[0];
        double sum = 0, squares = 0;
        foreach (var value in values)
        {
            var deviation = value - shift;
            sum += deviation;
            squares += deviation * deviation;
        }
        var variance = (squares - sum * sum / values.Count) / (values.Count - 1);
        return Math.Sqrt(Math.Max(0, variance));
    }

    /// <summary>Standard error of the mean: sample standard deviation over √n.</summary>
    public static double StandardError(IReadOnlyList<double> values) =>
        StandardDeviation(values) / Math.Sqrt(values.Count);
}
