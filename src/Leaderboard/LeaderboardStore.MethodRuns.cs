using Dapper;

namespace AlpacaFarm.Leaderboard;

/// <summary>
/// The method_runs record: every run the runner starts, with its outcome and the artifacts it reported. Paths are stored
/// relative to the home (<see cref="HomeRelativePaths"/>) and handed out resolved against wherever the home is now.
/// </summary>
public sealed partial class LeaderboardStore
{
    /// <summary>The home this database belongs to: the folder it lives in.</summary>
    public string Home => Path.GetDirectoryName(DatabasePath)!;

    /// <summary>Records a run as running; returns its id.</summary>
    public long StartMethodRun(string runKey, string method, string methodVersion, string workDirectory, DateTimeOffset startedAt) =>
        Locked(() => _connection.ExecuteScalar<long>("""
            INSERT INTO method_runs (run_key, method, method_version, status, started_at_ms, work_directory)
            VALUES (@RunKey, @Method, @MethodVersion, 'running', @StartedAtMs, @WorkDirectory)
            RETURNING id
            """, new
        {
            RunKey = runKey, Method = method, MethodVersion = methodVersion, StartedAtMs = startedAt.ToUnixTimeMilliseconds(),
            WorkDirectory = HomeRelativePaths.Store(Home, workDirectory),
        }));

    /// <summary>
    /// Marks every run of <paramref name="runKey"/> still recorded as running, other than <paramref name="except"/>, as
    /// interrupted: called by the one process that holds the key's run lock, so no other process can still be running it.
    /// </summary>
    /// <returns>How many records changed.</returns>
    public int MarkInterrupted(string runKey, long? except, string reason) =>
        Locked(() => _connection.Execute("""
            UPDATE method_runs SET status = 'interrupted', reason = @Reason
            WHERE run_key = @RunKey AND status = 'running' AND id IS NOT @Except
            """, new { RunKey = runKey, Reason = reason, Except = except }));

    /// <summary>Records how a run ended; a succeeded run names the row it stored.</summary>
    public void FinishMethodRun(long id, string status, string? reason, int labelsUsed, DateTimeOffset finishedAt, string? boardId = null, string? rowName = null)
    {
        if (status is not (MethodRunStatus.Succeeded or MethodRunStatus.Failed or MethodRunStatus.Cancelled or MethodRunStatus.TimedOut))
            throw new ArgumentException($"'{status}' is not how a run ends", nameof(status));
        Locked(() => _connection.Execute("""
            UPDATE method_runs SET status = @Status, reason = @Reason, labels_used = @LabelsUsed, finished_at_ms = @FinishedAtMs,
                                   board_id = @BoardId, row_name = @RowName
            WHERE id = @Id
            """, new { Id = id, Status = status, Reason = reason, LabelsUsed = labelsUsed, FinishedAtMs = finishedAt.ToUnixTimeMilliseconds(), BoardId = boardId, RowName = rowName }));
    }

    public void AddMethodRunArtifact(MethodRunArtifactRecord artifact) =>
        Locked(() => _connection.Execute("""
            INSERT INTO method_run_artifacts (run_id, step, label, kind, path, content_sha256)
            VALUES (@RunId, @Step, @Label, @Kind, @Path, @ContentSha256)
            """, artifact with { Path = HomeRelativePaths.Store(Home, artifact.Path) }));

    /// <summary>Every recorded run, newest first.</summary>
    public IReadOnlyList<MethodRunRecord> MethodRuns() =>
        Locked(() => _connection.Query<MethodRunRow>($"SELECT {MethodRunRow.Columns} FROM method_runs ORDER BY id DESC")
            .Select(row => row.ToRecord(Home)).ToList());

    /// <summary>The latest succeeded run of <paramref name="runKey"/> whose row is still on its board, if any.</summary>
    public MethodRunRecord? StoredRun(string runKey) =>
        Locked(() => _connection.QueryFirstOrDefault<MethodRunRow>($"""
            SELECT {MethodRunRow.Columns} FROM method_runs m
            WHERE run_key = @RunKey AND status = 'succeeded'
              AND EXISTS (SELECT 1 FROM submissions s WHERE s.board_id = m.board_id AND s.name = m.row_name)
            ORDER BY id DESC
            """, new { RunKey = runKey })?.ToRecord(Home));

    public IReadOnlyList<MethodRunArtifactRecord> MethodRunArtifacts(long runId) =>
        Locked(() => _connection.Query<(long RunId, long Step, string Label, string Kind, string Path, string Sha256)>("""
            SELECT run_id, step, label, kind, path, content_sha256
            FROM method_run_artifacts WHERE run_id = @RunId ORDER BY step, label
            """, new { RunId = runId })
            .Select(row => new MethodRunArtifactRecord(row.RunId, (int)row.Step, row.Label, row.Kind, HomeRelativePaths.Resolve(Home, row.Path), row.Sha256))
            .ToList());
}
