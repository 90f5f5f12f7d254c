namespace AlpacaFarm.Leaderboard;

/// <summary>Everything one evaluation produced, saved by <see cref="LeaderboardStore.Save"/> in one transaction.</summary>
/// <remarks>Timestamps are stored to the millisecond in UTC.</remarks>
public sealed record EvaluationRecord(
    BoardIdentity Board,
    string Name,
    string ContentSha256,
    SubmissionProvenance Provenance,
    IReadOnlyList<SubmittedOutput> Outputs,
    IReadOnlyList<AnnotationRecord> Annotations,
    AggregateRecord Aggregate,
    DateTimeOffset StartedAt,
    DateTimeOffset FinishedAt,
    double TotalPrice,
    double TotalAnnotatorSeconds,
    int AnnotatorCalls);
