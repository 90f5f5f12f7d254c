using AlpacaFarm.Evaluation.Scoring;
using AlpacaFarm.Leaderboard;

namespace AlpacaFarm.Runner.Evaluation;

/// <summary>Turns a scorecard into the stored leaderboard columns.</summary>
public static class Aggregates
{
    /// <summary>AlpacaEval's word for results the platform did not produce itself: submitted outputs, imported annotations,
    /// policies from folders it did not make.</summary>
    public const string Community = "community";

    /// <summary>Rows the platform produced itself, from its own artifacts.</summary>
    public const string Verified = "verified";

    /// <param name="unjudged">Pairs no annotator could judge (left out of the scorecard); the row is incomplete while any remain.</param>
    public static AggregateRecord From(Scorecard card, string mode, int unjudged = 0) => new(
        card.WinRate,
        mode,
        double.IsNaN(card.LengthControlled.WinRate) ? null : card.LengthControlled.WinRate,
        nUnjudged: unjudged,
        lcAbsence: double.IsNaN(card.LengthControlled.WinRate) ? card.LengthControlled.Absence : null);
}
