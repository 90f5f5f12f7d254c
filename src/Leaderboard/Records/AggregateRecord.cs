using AlpacaFarm.Evaluation.Integrity;
using AlpacaFarm.Evaluation.Metrics;

namespace AlpacaFarm.Leaderboard;

/// <summary>
/// AlpacaEval's leaderboard columns for one run. Non-nullable doubles may be NaN (e.g. a standard error
/// of one row); a NaN in a nullable column reads back as null. The gold columns exist only where the evaluation
/// set has a ground truth (the farm world). <see cref="NUnjudged"/> counts pairs no annotator could judge: they are
/// outside <see cref="WinRateSummary.NTotal"/>, and a row with any is incomplete. There is no LC standard error: see
/// <see cref="LcStandardErrorAbsence"/>. <see cref="LcAbsence"/> says why a row has no LC win rate (null for rows stored
/// before the reason was recorded).
/// </summary>
public sealed record AggregateRecord : WinRateSummary
{
    /// <summary>The raw win-rate columns of <paramref name="winRate"/> and the leaderboard's own.</summary>
    public AggregateRecord(
        WinRateSummary winRate,
        string mode,
        double? lengthControlledWinRate,
        double? goldWinRate = null,
        double? goldStandardError = null,
        int nUnjudged = 0,
        string? lcAbsence = null)
        : base(winRate)
    {
        Mode = mode;
        LengthControlledWinRate = lengthControlledWinRate;
        GoldWinRate = goldWinRate;
        GoldStandardError = goldStandardError;
        NUnjudged = nUnjudged;
        LcAbsence = lcAbsence;
    }

    /// <summary>AlpacaEval's mode: minimal, verified or community.</summary>
    public string Mode { get; init; }

    /// <summary>The length-controlled win rate; null when absent (see <see cref="LcAbsence"/>).</summary>
    public double? LengthControlledWinRate { get; init; }

    /// <summary>Win rate under the ground truth (farm boards only).</summary>
    public double? GoldWinRate { get; init; }

    /// <summary>Its standard error.</summary>
    public double? GoldStandardError { get; init; }

    /// <summary>Pairs no annotator could judge.</summary>
    public int NUnjudged { get; init; }

    /// <summary>Why there is no LC win rate.</summary>
    public string? LcAbsence { get; init; }

    /// <summary>Every pair was judged.</summary>
    public bool IsComplete => NUnjudged == 0;

    /// <summary>The integrity checks the row failed, as the store ran them when it saved the row (empty before it is saved).</summary>
    public IntegrityFlags Integrity { get; init; } = IntegrityFlags.None;

    /// <summary>Ranked: complete, and no integrity flag lists it apart.</summary>
    public bool IsRanked => IsComplete && Integrity.Ranked;

    /// <summary>Why the lc_standard_error column (AlpacaEval's) is always empty here.</summary>
    public const string LcStandardErrorAbsence =
        "lc_standard_error is left empty: without the instruction-difficulty term the minimal GLM predicts the same probability for every " +
        "instruction, so the standard error of its predictions is always 0 (and AlpacaEval's own is a SEM of predictions, not an uncertainty " +
        "of the LC win rate).";
}
