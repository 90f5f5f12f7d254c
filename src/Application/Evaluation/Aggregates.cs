using AlpacaFarm.Evaluation.Scoring;
using AlpacaFarm.Leaderboard;

namespace AlpacaFarm.Application.Evaluation;

/// <summary>Turns a scorecard into the stored leaderboard columns.</summary>
internal static class Aggregates
{
    /// <summary>AlpacaEval's word for submitted outputs and imported annotations.</summary>
    public const string Community = "community";

    public static AggregateRecord From(Scorecard card, string mode) => new(
        card.WinRate.WinRate,
        card.WinRate.StandardError,
        card.WinRate.NWins,
        card.WinRate.NWinsBase,
        card.WinRate.NDraws,
        card.WinRate.NTotal,
        card.WinRate.DiscreteWinRate,
        mode,
        card.WinRate.AvgLength,
        double.IsNaN(card.LengthControlled.WinRate) ? null : card.LengthControlled.WinRate,
        double.IsNaN(card.LengthControlled.StandardError) ? null : card.LengthControlled.StandardError);
}
