using Dapper;
using Microsoft.Data.Sqlite;

namespace AlpacaFarm.Leaderboard;

/// <summary>
/// The leaderboard in one SQLite file (WAL, so readers never block the writer). One connection per store,
/// used under a lock; other processes may write the same file, waiting up to 5 s for its lock. Commands that only read
/// open it with <see cref="OpenReadOnly"/>.
/// </summary>
public sealed partial class LeaderboardStore : IDisposable
{
    /// <summary>PRAGMA user_version of a fully migrated database.</summary>
    public const int LatestSchemaVersion = 7;

    /// <summary>The database's file name inside the platform's home directory.</summary>
    public const string FileName = "leaderboard.db";

    // Dapper multi-row Execute reuses one command, so SQLite prepares each bulk statement once per call.
    private const string InsertOutput = """
        INSERT INTO outputs (submission_id, row_index, instruction, output, generator, dataset)
        VALUES (@SubmissionId, @Index, @Instruction, @Output, @Generator, @Dataset)
        """;

    private const string InsertAnnotation = """
        INSERT INTO annotations (run_id, row_index, instruction, preference, annotator, price, time_seconds)
        VALUES (@RunId, @Index, @Instruction, @Preference, @Annotator, @Price, @TimeSeconds)
        """;

    private const string SelectSubmissions = $"""
        SELECT {SubmissionRow.Columns}
        FROM submissions s
        JOIN evaluation_runs r ON r.id = (SELECT MAX(id) FROM evaluation_runs WHERE submission_id = s.id)
        JOIN aggregates a ON a.run_id = r.id
        WHERE s.board_id = @BoardId
        """;

    private const string LatestRun = "(SELECT MAX(id) FROM evaluation_runs WHERE submission_id = @SubmissionId)";

    // SQLite caps bound parameters per statement; cache look-ups go in chunks well below it.
    private const int LookupChunk = 500;

    private readonly SqliteConnection _connection;
    private readonly Lock _gate = new();

    private LeaderboardStore(SqliteConnection connection, string path, bool readOnly)
    {
        _connection = connection;
        DatabasePath = path;
        IsReadOnly = readOnly;
    }

    /// <summary>Opens (creating folder and file if needed) and migrates the database at <paramref name="databasePath"/>.</summary>
    /// <exception cref="LeaderboardDatabaseException">The file is not an AlpacaFarm leaderboard, its schema is newer than this
    /// build knows, or SQLite cannot read it; it is left untouched.</exception>
    public static LeaderboardStore Open(string databasePath)
    {
        var path = Path.GetFullPath(databasePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return Connect(path);
    }

    /// <summary>
    /// Opens an existing leaderboard for reading only, as commands that only read do: nothing is created, changed or migrated
    /// in the home, which may be read-only. Null when there is no file, or when the file holds no schema and no tables yet (a
    /// first run that stopped before creating them). An older AlpacaFarm schema is read through a migrated copy in memory,
    /// so the file stays as it is until a command that writes migrates it.
    /// </summary>
    public static LeaderboardStore? OpenReadOnly(string databasePath)
    {
        var path = Path.GetFullPath(databasePath);
        if (!File.Exists(path)) return null;
        SqliteConnection? connection = null;
        try
        {
            connection = ReadOnlyConnection(path);
            var version = CheckSchema(connection, path);
            if (version == 0)
            {
                connection.Dispose();
                return null;
            }
            if (version < LatestSchemaVersion)
            {
                var memory = new SqliteConnection("Data Source=:memory:");
                memory.Open();
                connection.BackupDatabase(memory);
                connection.Dispose();
                connection = memory;
                Migrations.MigrateTo(connection, LatestSchemaVersion, Path.GetDirectoryName(path)!);
            }
            connection.Execute("PRAGMA foreign_keys = ON");
            connection.Execute("PRAGMA query_only = ON");
            return new LeaderboardStore(connection, path, readOnly: true);
        }
        catch (SqliteException e)
        {
            connection?.Dispose();
            throw new LeaderboardDatabaseException($"leaderboard database '{path}': {e.Message}", e);
        }
        catch
        {
            connection?.Dispose();
            throw;
        }
    }

    /// <summary>
    /// A read-only connection that has read the schema. A WAL database needs its -shm index, which a home this process cannot
    /// write cannot hold when no writer left one; with no -wal file either, no commit is pending outside the file, and the file
    /// is read as immutable.
    /// </summary>
    private static SqliteConnection ReadOnlyConnection(string path)
    {
        var connection = Unpooled(path, SqliteOpenMode.ReadOnly);
        try
        {
            connection.Open();
            connection.Execute("PRAGMA busy_timeout = 5000");
            connection.ExecuteScalar<long>("SELECT COUNT(*) FROM sqlite_master");
            return connection;
        }
        catch (SqliteException e) when (e.SqliteErrorCode is SqliteCantOpen or SqliteReadOnly && !File.Exists(path + "-wal"))
        {
            connection.Dispose();
            var immutable = new SqliteConnection($"Data Source=file:{Uri.EscapeDataString(path).Replace("%2F", "/", StringComparison.Ordinal)}?immutable=1;Mode=ReadOnly;Pooling=False");
            immutable.Open();
            return immutable;
        }
    }

    private const int SqliteReadOnly = 8;
    private const int SqliteCantOpen = 14;

    private static SqliteConnection Unpooled(string path, SqliteOpenMode mode) => new(new SqliteConnectionStringBuilder
    {
        DataSource = path,
        Mode = mode,
        // Unpooled, so that closing the store releases the file (tests delete it; users may move it).
        Pooling = false,
    }.ToString());

    private static LeaderboardStore Connect(string path)
    {
        var connection = Unpooled(path, SqliteOpenMode.ReadWriteCreate);
        try
        {
            connection.Open();
            connection.Execute("PRAGMA busy_timeout = 5000");
            CheckSchema(connection, path);
            connection.Execute("PRAGMA journal_mode = WAL");
            connection.Execute("PRAGMA synchronous = NORMAL");
            // Foreign keys stay off while migrating: rebuilding a parent table must not cascade into its children.
            Migrations.MigrateTo(connection, LatestSchemaVersion, Path.GetDirectoryName(path)!);
            connection.Execute("PRAGMA foreign_keys = ON");
            return new LeaderboardStore(connection, path, readOnly: false);
        }
        catch (SqliteException e)
        {
            connection.Dispose();
            throw new LeaderboardDatabaseException($"leaderboard database '{path}': {e.Message}", e);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The file's schema version, checked before anything writes (switching to WAL would already change a file that is not
    /// ours): 0 for an empty file, which only a writing open then initialises.
    /// </summary>
    private static int CheckSchema(SqliteConnection connection, string path)
    {
        // One statement, so one snapshot: another process may commit the first migration (tables and version together)
        // between two separate reads, which would look like a foreign file with tables and no version.
        var (version, objects) = connection.QuerySingle<(int, long)>(
            "SELECT (SELECT user_version FROM pragma_user_version), (SELECT COUNT(*) FROM sqlite_master)");
        if (version > LatestSchemaVersion)
            throw new LeaderboardDatabaseException(
                $"The leaderboard database '{path}' has schema version {version}, newer than version {LatestSchemaVersion} " +
                "that this build of AlpacaFarm knows; it was not changed. Use a newer AlpacaFarm to open it.");
        if (version < 0)
            throw new LeaderboardDatabaseException($"The leaderboard database '{path}' has schema version {version}, which no AlpacaFarm writes; it was not changed.");
        if (version == 0 && objects > 0)
            throw new LeaderboardDatabaseException(
                $"'{path}' is an SQLite database with tables but no AlpacaFarm schema version: not an AlpacaFarm leaderboard; it was not changed.");
        return version;
    }

    /// <summary>Opened by <see cref="OpenReadOnly"/>: every write fails.</summary>
    public bool IsReadOnly { get; }

    /// <summary>Absolute path of the database file.</summary>
    public string DatabasePath { get; }

    public StoredSubmission? FindSubmission(string boardId, string name)
    {
        return Locked(() => _connection.QuerySingleOrDefault<SubmissionRow>(SelectSubmissions + " AND s.name = @Name", new { BoardId = boardId, Name = name })
            ?.ToRecord());
    }

    /// <summary>
    /// Writes the board (if new), the submission, its outputs, a run, its annotations and aggregate in one transaction.
    /// The same name with the same content and seed is <see cref="SaveOutcome.Unchanged"/>, unless the stored row has
    /// unjudged pairs and this record fewer: then this record replaces it (<see cref="SaveOutcome.Completed"/>). With other
    /// content or seed it throws <see cref="SubmissionConflictException"/> unless <paramref name="replace"/>, which deletes
    /// the old submission and everything under it in the same transaction; <paramref name="replace"/> also replaces a row of
    /// the same content whose provenance differs (the same outputs from another run). On any failure nothing is written.
    /// </summary>
    public SaveOutcome Save(EvaluationRecord record, bool replace)
    {
        if (SubmissionName.Problem(record.Name) is { } problem) throw new ArgumentException($"The name '{record.Name}' {problem}.", nameof(record));
        var provenance = record.Provenance;
        if (!SubmissionProvenance.Kinds.Contains(provenance.Kind))
            throw new ArgumentException($"Unknown submission kind '{provenance.Kind}'; expected one of {string.Join(", ", SubmissionProvenance.Kinds)}.", nameof(record));
        if (!SubmissionProvenance.Modes.Contains(provenance.Mode))
            throw new ArgumentException($"Unknown mode '{provenance.Mode}'; expected one of {string.Join(", ", SubmissionProvenance.Modes)}.", nameof(record));

        var board = record.Board;
        return Locked(() =>
        {
            using var transaction = _connection.BeginTransaction();
            var outcome = SaveOutcome.Inserted;
            var provenanceJson = ProvenanceJsonContext.Write(provenance);
            var existing = _connection.QuerySingleOrDefault<(long Id, string ContentSha256, long Seed, long Unjudged, string ProvenanceJson)?>($"""
                SELECT s.id, s.content_sha256, s.seed, a.n_unjudged, s.provenance_json
                FROM submissions s JOIN aggregates a ON a.run_id = {LatestRun.Replace("@SubmissionId", "s.id")}
                WHERE s.board_id = @BoardId AND s.name = @Name
                """, new { BoardId = board.Id, record.Name }, transaction);
            if (existing is { } old)
            {
                if (old.ContentSha256 == record.ContentSha256 && old.Seed == provenance.Seed && (!replace || old.ProvenanceJson == provenanceJson))
                {
                    if (record.Aggregate.NUnjudged >= old.Unjudged) return SaveOutcome.Unchanged;
                    outcome = SaveOutcome.Completed;
                }
                else if (!replace)
                {
                    throw new SubmissionConflictException(board.Id, record.Name, old.ContentSha256, old.Seed, record.ContentSha256, provenance.Seed);
                }
                else
                {
                    outcome = SaveOutcome.Replaced;
                }
                _connection.Execute("DELETE FROM submissions WHERE id = @Id", new { old.Id }, transaction);
            }

            _connection.Execute("""
                INSERT INTO boards (id, evaluation_set_id, evaluation_set_sha256, reference_sha256, pool_hash,
                                    evaluation_set_name, reference_name, pool_name)
                VALUES (@Id, @EvaluationSetId, @EvaluationSetSha256, @ReferenceSha256, @PoolHash,
                        @EvaluationSetName, @ReferenceName, @PoolName)
                ON CONFLICT (id) DO NOTHING
                """, board, transaction);

            var submissionId = _connection.ExecuteScalar<long>("""
                INSERT INTO submissions (board_id, name, kind, content_sha256, seed, mode, provenance_json)
                VALUES (@BoardId, @Name, @Kind, @ContentSha256, @Seed, @Mode, @ProvenanceJson)
                RETURNING id
                """, new
            {
                BoardId = board.Id, record.Name, provenance.Kind, record.ContentSha256, provenance.Seed, provenance.Mode,
                ProvenanceJson = provenanceJson,
            }, transaction);

            _connection.Execute(InsertOutput, record.Outputs.Select(o => new
            {
                SubmissionId = submissionId, o.Index, o.Instruction, o.Output, o.Generator, o.Dataset,
            }), transaction);

            var runId = _connection.ExecuteScalar<long>("""
                INSERT INTO evaluation_runs (submission_id, started_at_ms, finished_at_ms, total_price, total_annotator_seconds, annotator_calls)
                VALUES (@SubmissionId, @StartedAtMs, @FinishedAtMs, @TotalPrice, @TotalAnnotatorSeconds, @AnnotatorCalls)
                RETURNING id
                """, new
            {
                SubmissionId = submissionId,
                StartedAtMs = record.StartedAt.ToUnixTimeMilliseconds(),
                FinishedAtMs = record.FinishedAt.ToUnixTimeMilliseconds(),
                TotalPrice = Real.Write(record.TotalPrice),
                TotalAnnotatorSeconds = Real.Write(record.TotalAnnotatorSeconds),
                record.AnnotatorCalls,
            }, transaction);

            _connection.Execute(InsertAnnotation, record.Annotations.Select(a => new
            {
                RunId = runId, a.Index, a.Instruction, Preference = Real.Write(a.Preference), a.Annotator,
                Price = Real.Write(a.Price), TimeSeconds = Real.Write(a.TimeSeconds),
            }), transaction);

            var aggregate = record.Aggregate;
            // Every row stored is checked here, whoever made it.
            var integrity = IntegrityColumns.Check(record.Outputs, aggregate);
            _connection.Execute("""
                INSERT INTO aggregates (run_id, win_rate, standard_error, n_wins, n_wins_base, n_draws, n_total,
                                        discrete_win_rate, mode, avg_length, length_controlled_win_rate, lc_standard_error,
                                        gold_win_rate, gold_standard_error, n_unjudged, lc_absence, integrity_json, integrity_unranked)
                VALUES (@RunId, @WinRate, @StandardError, @NWins, @NWinsBase, @NDraws, @NTotal,
                        @DiscreteWinRate, @Mode, @AvgLength, @LengthControlledWinRate, NULL,
                        @GoldWinRate, @GoldStandardError, @NUnjudged, @LcAbsence, @IntegrityJson, @IntegrityUnranked)
                """, new
            {
                RunId = runId,
                WinRate = Real.Write(aggregate.WinRate),
                StandardError = Real.Write(aggregate.StandardError),
                aggregate.NWins, aggregate.NWinsBase, aggregate.NDraws, aggregate.NTotal,
                DiscreteWinRate = Real.Write(aggregate.DiscreteWinRate),
                aggregate.Mode,
                AvgLength = Real.Write(aggregate.AvgLength),
                LengthControlledWinRate = Real.Write(aggregate.LengthControlledWinRate),
                GoldWinRate = Real.Write(aggregate.GoldWinRate),
                GoldStandardError = Real.Write(aggregate.GoldStandardError),
                aggregate.NUnjudged,
                aggregate.LcAbsence,
                IntegrityJson = IntegrityColumns.Write(integrity),
                IntegrityUnranked = integrity.Ranked ? 0 : 1,
            }, transaction);

            transaction.Commit();
            return outcome;
        });
    }

    /// <summary>Every board with its number of submissions, by evaluation set then id.</summary>
    public IReadOnlyList<BoardSummary> Boards()
    {
        return Locked(() => _connection.Query<BoardRow>("""
                SELECT b.evaluation_set_id AS EvaluationSetId, b.evaluation_set_sha256 AS EvaluationSetSha256,
                       b.reference_sha256 AS ReferenceSha256, b.pool_hash AS PoolHash,
                       b.evaluation_set_name AS EvaluationSetName, b.reference_name AS ReferenceName, b.pool_name AS PoolName,
                       (SELECT COUNT(*) FROM submissions s WHERE s.board_id = b.id) AS Submissions
                FROM boards b
                ORDER BY b.evaluation_set_id, b.id
                """).Select(row => row.ToRecord()).ToList());
    }

    /// <summary>The board's submissions, best first; ties (and missing values, which come last) by name. Incomplete rows
    /// (with unjudged pairs) come after every complete one, and rows an integrity flag lists apart after every ranked one.</summary>
    public IReadOnlyList<StoredSubmission> Ranking(string boardId, RankingOrder order)
    {
        var orderBy = order switch
        {
            RankingOrder.WinRate => "a.n_unjudged > 0, a.integrity_unranked, a.win_rate IS NULL, a.win_rate DESC",
            RankingOrder.LengthControlled => "a.n_unjudged > 0, a.integrity_unranked, a.length_controlled_win_rate IS NULL, a.length_controlled_win_rate DESC, a.win_rate DESC",
            _ => throw new ArgumentOutOfRangeException(nameof(order), order, null),
        };
        return Locked(() => _connection.Query<SubmissionRow>($"{SelectSubmissions} ORDER BY {orderBy}, s.name", new { BoardId = boardId })
            .Select(row => row.ToRecord()).ToList());
    }

    public IReadOnlyList<SubmittedOutput> Outputs(long submissionId)
    {
        return Locked(() => _connection.Query<OutputRow>("""
                SELECT row_index AS RowIndex, instruction AS Instruction, output AS Output, generator AS Generator, dataset AS Dataset
                FROM outputs WHERE submission_id = @SubmissionId ORDER BY row_index
                """, new { SubmissionId = submissionId }).Select(row => row.ToRecord()).ToList());
    }

    /// <summary>The annotations of the submission's latest run, by row index.</summary>
    public IReadOnlyList<AnnotationRecord> Annotations(long submissionId)
    {
        return Locked(() => _connection.Query<AnnotationRow>($"""
                SELECT row_index AS RowIndex, instruction AS Instruction, preference AS Preference, annotator AS Annotator,
                       price AS Price, time_seconds AS TimeSeconds
                FROM annotations WHERE run_id = {LatestRun} ORDER BY row_index
                """, new { SubmissionId = submissionId }).Select(row => row.ToRecord()).ToList());
    }

    /// <summary>The cached preferences of those <paramref name="keys"/> that have one.</summary>
    public IReadOnlyDictionary<AnnotationCacheKey, CachedAnnotation> GetCached(IReadOnlyCollection<AnnotationCacheKey> keys)
    {
        var byHash = new Dictionary<string, AnnotationCacheKey>(StringComparer.Ordinal);
        foreach (var key in keys)
            byHash[key.Sha256()] = key;
        return Locked(() =>
        {
            var found = new Dictionary<AnnotationCacheKey, CachedAnnotation>();
            foreach (var chunk in byHash.Keys.Chunk(LookupChunk))
                foreach (var row in _connection.Query<CacheRow>("""
                    SELECT key_sha256 AS KeySha256, preference AS Preference, price AS Price, time_seconds AS TimeSeconds
                    FROM annotation_cache WHERE key_sha256 IN @Hashes
                    """, new { Hashes = chunk }))
                    found[byHash[row.KeySha256]] = row.ToRecord();
            return found;
        });
    }

    /// <summary>Caches the entries in one transaction, keeping what is already there (another writer may have got there first).</summary>
    /// <returns>The number of rows inserted.</returns>
    public int PutCached(IReadOnlyCollection<KeyValuePair<AnnotationCacheKey, CachedAnnotation>> entries)
    {
        var rows = entries.Select(entry => double.IsNaN(entry.Value.Preference)
            ? throw new ArgumentException("Only real preferences are cached, never an annotator's failure (NaN).", nameof(entries))
            : new
            {
                KeySha256 = entry.Key.Sha256(), entry.Key.AnnotatorKey, entry.Key.Seed, entry.Value.Preference,
                Price = Real.Write(entry.Value.Price), TimeSeconds = Real.Write(entry.Value.TimeSeconds),
            }).ToList();
        return Locked(() =>
        {
            using var transaction = _connection.BeginTransaction();
            var inserted = _connection.Execute("""
                INSERT OR IGNORE INTO annotation_cache (key_sha256, annotator_key, seed, preference, price, time_seconds)
                VALUES (@KeySha256, @AnnotatorKey, @Seed, @Preference, @Price, @TimeSeconds)
                """, rows, transaction);
            transaction.Commit();
            return inserted;
        });
    }

    public void Dispose() => _connection.Dispose();

    /// <summary>Runs under the store's lock; an SQLite failure (busy past the timeout, disk full, a damaged file) names the file.</summary>
    private T Locked<T>(Func<T> action)
    {
        lock (_gate)
        {
            try
            {
                return action();
            }
            catch (SqliteException e)
            {
                throw new LeaderboardDatabaseException($"leaderboard database '{DatabasePath}': {e.Message}", e);
            }
        }
    }
}
