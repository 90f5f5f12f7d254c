namespace AlpacaFarm.Leaderboard;

/// <summary>A method_runs row as Dapper reads it.</summary>
internal sealed class MethodRunRow
{
    public const string Columns = """
        id AS Id, run_key AS RunKey, method AS Method, method_version AS MethodVersion, status AS Status, reason AS Reason,
        started_at_ms AS StartedAtMs, finished_at_ms AS FinishedAtMs, labels_used AS LabelsUsed, work_directory AS WorkDirectory,
        board_id AS BoardId, row_name AS RowName
        """;

    public long Id { get; init; }
    public string RunKey { get; init; } = "";
    public string Method { get; init; } = "";
    public string MethodVersion { get; init; } = "";
    public string Status { get; init; } = "";
    public string? Reason { get; init; }
    public long StartedAtMs { get; init; }
    public long? FinishedAtMs { get; init; }
    public int LabelsUsed { get; init; }
    public string WorkDirectory { get; init; } = "";
    public string? BoardId { get; init; }
    public string? RowName { get; init; }

    /// <param name="home">The home the stored work directory is relative to.</param>
    public MethodRunRecord ToRecord(string home) => new(Id, RunKey, Method, MethodVersion, Status, Reason,
        DateTimeOffset.FromUnixTimeMilliseconds(StartedAtMs), FinishedAtMs is { } f ? DateTimeOffset.FromUnixTimeMilliseconds(f) : null,
        LabelsUsed, HomeRelativePaths.Resolve(home, WorkDirectory), BoardId, RowName);
}
