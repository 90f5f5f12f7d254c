namespace AlpacaFarm.Evaluation.Metrics;

/// <summary>AlpacaEval's raw win-rate columns for one model against the reference outputs (the leaderboard's aggregate extends them).</summary>
/// <param name="WinRate">100 · mean score of the model (a draw scores ½).</param>
/// <param name="StandardError">100 · standard error of that mean; NaN below two kept rows.</param>
/// <param name="NWins">Rows the model won (score above ½).</param>
/// <param name="NWinsBase">Rows the reference won (score below ½).</param>
/// <param name="NDraws">Rows with an exact draw.</param>
/// <param name="NTotal">Rows kept after dropping invalid preferences.</param>
/// <param name="DiscreteWinRate">Win rate with every score rounded to 0, ½ or 1.</param>
/// <param name="AvgLength">Mean length of the model's outputs, in Unicode code points.</param>
public record WinRateSummary(
    double WinRate,
    double StandardError,
    int NWins,
    int NWinsBase,
    int NDraws,
    int NTotal,
    double DiscreteWinRate,
    double AvgLength);

/// <summary>The raw win rate of AlpacaEval (metrics/winrate.py).</summary>
public static class WinRate
{
    /// <summary>Summarises the preferences of one model against the reference.</summary>
    /// <param name="preferences">
    /// Per row: 1 = reference (output_1) wins, 2 = model (output_2) wins, 1.5 or legacy 0 = draw; values in
    /// between are soft preferences. Missing, NaN and out-of-range values are dropped.
    /// </param>
    /// <param name="modelOutputLengths">
    /// Code-point length of every model output, including rows whose preference is dropped: AlpacaEval
    /// averages over all outputs of the model.
    /// </param>
    public static WinRateSummary Compute(IReadOnlyList<double?> preferences, IReadOnlyList<int> modelOutputLengths)
    {
        ArgumentNullException.ThrowIfNull(preferences);
        ArgumentNullException.ThrowIfNull(modelOutputLengths);

        var scores = new List<double>(preferences.Count);
        foreach (var preference in preferences)
        {
            if (Preferences.TryScore(preference, out var score))
            {
                scores.Add(score);
            }
        }

        var discrete = scores.Select(s => s > 0.5 ? 1.0 : s < 0.5 ? 0.0 : 0.5).ToList();
        return new WinRateSummary(
            WinRate: 100 * SampleStatistics.Mean(scores),
            StandardError: 100 * SampleStatistics.StandardError(scores),
            NWins: scores.Count(s => s > 0.5),
            NWinsBase: scores.Count(s => s < 0.5),
            NDraws: scores.Count(s => s == 0.5),
            NTotal: scores.Count,
            DiscreteWinRate: 100 * SampleStatistics.Mean(discrete),
            AvgLength: SampleStatistics.Mean(modelOutputLengths.Select(l => (double)l).ToList()));
    }

    /// <summary>Length as Python's <c>len</c> counts it: Unicode scalar values, not UTF-16 units.</summary>
    public static int CodePointLength(string s)
    {
        ArgumentNullException.ThrowIfNull(s);
        return s.EnumerateRunes().Count();
    }
}
