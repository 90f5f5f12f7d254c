namespace AlpacaFarm.Evaluation.Metrics;

/// <summary>How an annotator's preference becomes the model's score, shared by every win-rate statistic.</summary>
internal static class Preferences
{
    /// <summary>
    /// Maps a preference (1 = reference wins, 2 = model wins, 1.5 or legacy 0 = draw) to the model's
    /// score in [0, 1]; false for a preference AlpacaEval drops (missing, NaN or outside [1, 2]).
    /// </summary>
    public static bool TryScore(double? preference, out double score)
    {
        score = double.NaN;
        if (preference is not { } p || double.IsNaN(p))
        {
            return false;
        }

        // Old annotations stored draws as 0.
        if (p == 0)
        {
            p = 1.5;
        }

        if (p is < 1 or > 2)
        {
            return false;
        }

        score = p - 1;
        return true;
    }
}
