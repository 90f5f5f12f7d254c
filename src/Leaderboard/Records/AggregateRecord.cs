namespace AlpacaFarm.Leaderboard;

/// <summary>
/// AlpacaEval's leaderboard columns for one run. Non-nullable doubles may be NaN (e.g. a standard error
/// of one row); a NaN in a nullable column reads back as null. The gold columns exist only where the evaluation
/// set has a ground truth (the farm world). <see cref="NUnjudged"/> counts pairs no annotator could judge: they are
/// outside <see cref="NTotal"/>, and a row with any is incomplete. There is no LC standard error: see
/// <see cref="LcStandardErrorAbsence"/>. <see cref="LcAbsence"/> says why a row has no LC win rate (null for rows stored
/// before the reason was recorded).
/// </summary>
public sealed record AggregateRecord(
    double WinRate,
    double StandardError,
    int NWins,
    int NWinsBase,
    int NDraws,
    int NTotal,
    double DiscreteWinRate,
    string Mode,
    double AvgLength,
    double? LengthControlledWinRate,
    double? GoldWinRate = null,
    double? GoldStandardError = null,
    int NUnjudged = 0,
    string? LcAbsence = null)
{
    /// <summary>Every pair was judged.</summary>
    public bool IsComplete => NUnjudged == 0;

    /// <summary>Why the lc_standard_error column (AlpacaEval's) is always empty here.</summary>
    public const string LcStandardErrorAbsence =
        "lc_standard_error is left empty: without the instruction-difficulty term the minimal GLM predicts the same probability for every " +
        "instruction, so the standard error of its predictions is always 0 (and AlpacaEval's own is a SEM of predictions, not an uncertainty " +
        "of the LC win rate).";
}
