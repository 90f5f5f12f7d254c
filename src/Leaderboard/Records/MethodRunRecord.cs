namespace AlpacaFarm.Leaderboard;

/// <summary>What a method run's status may be.</summary>
public static class MethodRunStatus
{
    public const string Running = "running";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
    public const string Cancelled = "cancelled";
    public const string TimedOut = "timed-out";

    /// <summary>Its process ended without recording an outcome (killed, or the machine lost): superseded by the key's next run.</summary>
    public const string Interrupted = "interrupted";

    /// <summary>The reason an interrupted run carries.</summary>
    public const string InterruptedReason = "its process ended without recording an outcome (killed, or the machine stopped)";
}

/// <summary>
/// One method run as recorded: <see cref="BoardId"/> and <see cref="RowName"/> name the row a succeeded run stored;
/// <see cref="WorkDirectory"/> is absolute, resolved against the home where the database is now.
/// </summary>
public sealed record MethodRunRecord(
    long Id,
    string RunKey,
    string Method,
    string MethodVersion,
    string Status,
    string? Reason,
    DateTimeOffset StartedAt,
    DateTimeOffset? FinishedAt,
    int LabelsUsed,
    string WorkDirectory,
    string? BoardId,
    string? RowName);

/// <summary>An artifact a run reported along the way.</summary>
public sealed record MethodRunArtifactRecord(long RunId, int Step, string Label, string Kind, string Path, string ContentSha256);
