namespace AlpacaFarm.Leaderboard;

/// <summary>
/// AlpacaEval's leaderboard columns for one run. Non-nullable doubles may be NaN (e.g. a standard error
/// of one row); a NaN in a nullable column reads back as null. The gold columns exist only where the evaluation
/// set has a ground truth (the farm world).
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
    double? LcStandardError,
    double? GoldWinRate = null,
    double? GoldStandardError = null);
