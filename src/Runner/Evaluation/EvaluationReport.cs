using AlpacaFarm.Leaderboard;

namespace AlpacaFarm.Runner.Evaluation;

/// <summary>What an evaluation produced or found stored.</summary>
/// <param name="Outcome">Inserted, Replaced, or Unchanged (the stored row, nothing asked).</param>
/// <param name="AnnotatorCalls">Pairs sent to an annotator in this run (0 when everything was cached).</param>
/// <param name="Warnings">Tolerated input problems, one line each.</param>
public sealed record EvaluationReport(
    BoardIdentity Board,
    string Name,
    SaveOutcome Outcome,
    AggregateRecord Aggregate,
    int AnnotatorCalls,
    IReadOnlyList<string> Warnings);
