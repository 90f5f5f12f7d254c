namespace AlpacaFarm.Leaderboard;

/// <summary>A submission as stored, with the aggregate of its latest run; <see cref="EvaluatedAt"/> is when that run finished (UTC).</summary>
public sealed record StoredSubmission(
    long Id,
    string BoardId,
    string Name,
    string ContentSha256,
    long Seed,
    SubmissionProvenance Provenance,
    AggregateRecord Aggregate,
    DateTimeOffset EvaluatedAt);
