using AlpacaFarm.Leaderboard;
using Dapper;

namespace AlpacaFarm.Tests.Leaderboard;

public sealed class LeaderboardSchemaTests : IDisposable
{
    private readonly TempDatabase _db = new();

    public void Dispose() => _db.Dispose();

    [Fact]
    public void Open_creates_the_folder_and_a_wal_database_at_the_latest_version()
    {
        using var store = LeaderboardStore.Open(_db.Path);

        Assert.True(File.Exists(_db.Path));
        using var connection = _db.Connect();
        Assert.Equal("wal", connection.ExecuteScalar<string>("PRAGMA journal_mode"));
        Assert.Equal(LeaderboardStore.LatestSchemaVersion, connection.ExecuteScalar<int>("PRAGMA user_version"));
        Assert.Equal(LeaderboardStore.LatestSchemaVersion, Migrations.Scripts.Count);
    }

    [Fact]
    public void A_version_1_file_is_migrated_keeping_its_rows_and_reopening_changes_nothing()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_db.Path)!);
        using (var connection = _db.Connect())
        {
            Migrations.MigrateTo(connection, 1, Path.GetDirectoryName(_db.Path)!);
            connection.Execute("""
                INSERT INTO boards VALUES ('c17ec31244f8', 'alpaca_eval', 'e5a1', '9f3b', 'pool77', 'AlpacaEval', 'text-davinci-003', 'Pool 77')
                """);
        }
        Assert.Equal(1, _db.Scalar("PRAGMA user_version"));
        Assert.Equal(0, _db.Scalar("SELECT COUNT(*) FROM sqlite_master WHERE name = 'annotation_cache'"));

        using (var store = LeaderboardStore.Open(_db.Path))
        {
            Assert.Equal([new BoardSummary(Samples.BoardA, 0)], store.Boards());
            var key = new AnnotationCacheKey("a", "i", "o1", "o2", 1);
            Assert.Equal(1, store.PutCached([new(key, new CachedAnnotation(1.5, 0.01, 0.2))]));
        }
        Assert.Equal(LeaderboardStore.LatestSchemaVersion, _db.Scalar("PRAGMA user_version"));
        var schema = Schema();

        using (var store = LeaderboardStore.Open(_db.Path))
            Assert.Single(store.Boards());

        Assert.Equal(LeaderboardStore.LatestSchemaVersion, _db.Scalar("PRAGMA user_version"));
        Assert.Equal(schema, Schema());
        Assert.Equal(1, _db.Scalar("SELECT COUNT(*) FROM annotation_cache"));
    }

    [Fact]
    public void A_file_from_a_newer_version_is_refused_untouched()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_db.Path)!);
        var newer = LeaderboardStore.LatestSchemaVersion + 1;
        using (var connection = _db.Connect())
            connection.Execute($"CREATE TABLE future (x INTEGER); PRAGMA user_version = {newer}");
        var bytes = File.ReadAllBytes(_db.Path);

        var error = Assert.Throws<LeaderboardDatabaseException>(() => LeaderboardStore.Open(_db.Path));

        Assert.Contains(_db.Path, error.Message);
        Assert.Contains($"version {newer}", error.Message);
        Assert.Contains($"version {LeaderboardStore.LatestSchemaVersion}", error.Message);
        Assert.Equal(bytes, File.ReadAllBytes(_db.Path));
        Assert.False(File.Exists(_db.Path + "-wal"));
    }

    /// <summary>
    /// Data/home-b5d7c74.db: the database of a home made at /tmp/prev-home by the release before schema 6 (commit b5d7c74):
    /// tiny-recipe runs on the validation split of PPO (one failed, one succeeded with a checkpoint), Best-of-n and DPO (a
    /// checkpoint), and a PPO run killed with SIGKILL, recorded as running. Opened here, in a home elsewhere, it is migrated.
    /// </summary>
    [Fact]
    public void A_database_of_the_previous_release_migrates_keeping_every_row_with_home_relative_paths()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_db.Path)!);
        File.Copy(Path.Combine(AppContext.BaseDirectory, "Leaderboard", "Data", "home-b5d7c74.db"), _db.Path);
        var tables = new[] { "boards", "submissions", "outputs", "evaluation_runs", "annotations", "aggregates", "annotation_cache", "method_runs", "method_run_artifacts" };
        var before = tables.ToDictionary(table => table, table => _db.Scalar($"SELECT COUNT(*) FROM {table}"));
        List<(string Name, double? WinRate, double? Lc, double? Gold)> Rows()
        {
            using var connection = _db.Connect();
            return connection.Query<(string, double?, double?, double?)>("""
                SELECT s.name, a.win_rate, a.length_controlled_win_rate, a.gold_win_rate
                FROM submissions s JOIN evaluation_runs r ON r.submission_id = s.id JOIN aggregates a ON a.run_id = r.id ORDER BY s.name
                """).ToList();
        }
        var rows = Rows();
        Assert.Equal(5, _db.Scalar("PRAGMA user_version"));

        using (var store = LeaderboardStore.Open(_db.Path))
        {
            var home = Path.GetDirectoryName(_db.Path)!;
            var runs = store.MethodRuns();
            Assert.Equal(["running", "succeeded", "succeeded", "succeeded", "failed"], runs.Select(run => run.Status));
            Assert.All(runs, run => Assert.Equal(Path.Combine(home, "runs", run.RunKey), run.WorkDirectory));
            var ppo = runs.Single(run => run.RowName == "ppo-tiny-s0-ha7c2def3");
            Assert.Equal([Path.Combine(home, "runs", ppo.RunKey, "checkpoints", "step-2")], store.MethodRunArtifacts(ppo.Id).Select(a => a.Path));
            Assert.Null(store.FindSubmission(store.Boards().Single().Identity.Id, "dpo-tiny-s0")!.Aggregate.LcAbsence);

            // The rebuilt table accepts the new status.
            Assert.Equal(1, store.MarkInterrupted(runs[0].RunKey, null, MethodRunStatus.InterruptedReason));
        }

        Assert.Equal(LeaderboardStore.LatestSchemaVersion, _db.Scalar("PRAGMA user_version"));
        Assert.Equal(before, tables.ToDictionary(table => table, table => _db.Scalar($"SELECT COUNT(*) FROM {table}")));
        Assert.Equal(rows, Rows());
        Assert.Equal(0, _db.Scalar("SELECT COUNT(*) FROM method_runs WHERE work_directory LIKE '/%'"));
        Assert.Equal(0, _db.Scalar("SELECT COUNT(*) FROM method_run_artifacts WHERE path LIKE '/%'"));
        Assert.Equal(2, _db.Scalar("SELECT COUNT(*) FROM method_run_artifacts a JOIN method_runs m ON m.id = a.run_id"));
        Assert.Equal(0, _db.Scalar("SELECT COUNT(*) FROM pragma_foreign_key_check"));
    }

    /// <summary>
    /// Data/home-cbf29f3.db: the database of a home made at /tmp/prev-home by the release before schema 7 (commit cbf29f3):
    /// tiny-recipe SFT and DPO rows on the validation split, and an outputs file that answers "Yes." to all of eval-805
    /// (evaluate --outputs --reference farm). Opened here, it is migrated: every row kept, each checked, and the constant
    /// answer listed apart.
    /// </summary>
    [Fact]
    public void A_database_of_the_release_before_integrity_checks_migrates_keeping_every_row_and_checks_each()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_db.Path)!);
        File.Copy(Path.Combine(AppContext.BaseDirectory, "Leaderboard", "Data", "home-cbf29f3.db"), _db.Path);
        var tables = new[] { "boards", "submissions", "outputs", "evaluation_runs", "annotations", "aggregates", "annotation_cache", "method_runs", "method_run_artifacts" };
        var before = tables.ToDictionary(table => table, table => _db.Scalar($"SELECT COUNT(*) FROM {table}"));
        List<(string Name, double? WinRate, double? Lc, double? Gold, int Unjudged)> Rows()
        {
            using var connection = _db.Connect();
            return connection.Query<(string, double?, double?, double?, int)>("""
                SELECT s.name, a.win_rate, a.length_controlled_win_rate, a.gold_win_rate, a.n_unjudged
                FROM submissions s JOIN evaluation_runs r ON r.submission_id = s.id JOIN aggregates a ON a.run_id = r.id ORDER BY s.name
                """).ToList();
        }
        var rows = Rows();
        Assert.Equal(6, _db.Scalar("PRAGMA user_version"));
        Assert.Equal(["dpo-tiny-s0", "null-model", "sft-tiny-s0"], rows.Select(row => row.Name));

        using (var store = LeaderboardStore.Open(_db.Path))
        {
            var farm = store.Boards().Single(board => board.Identity.EvaluationSetId == "farm").Identity.Id;
            var nullModel = store.FindSubmission(farm, "null-model")!.Aggregate;
            Assert.Equal(["constant"], nullModel.Integrity.Select(flag => flag.Id));
            Assert.Equal("805 of 805 outputs are the same text (\"yes.\")", nullModel.Integrity[0].Detail);
            Assert.False(nullModel.IsRanked);
            var validation = store.Boards().Single(board => board.Identity.EvaluationSetId == "farm-validation").Identity.Id;
            Assert.All(store.Ranking(validation, RankingOrder.WinRate), row => Assert.NotNull(row.Aggregate.Integrity));
        }

        Assert.Equal(LeaderboardStore.LatestSchemaVersion, _db.Scalar("PRAGMA user_version"));
        Assert.Equal(before, tables.ToDictionary(table => table, table => _db.Scalar($"SELECT COUNT(*) FROM {table}")));
        Assert.Equal(rows, Rows());
        Assert.Equal(1, _db.Scalar("SELECT COUNT(*) FROM aggregates WHERE integrity_unranked = 1"));
        Assert.Equal(0, _db.Scalar("SELECT COUNT(*) FROM pragma_foreign_key_check"));
    }

    private IReadOnlyList<string> Schema()
    {
        using var connection = _db.Connect();
        return connection.Query<string>("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name").ToList();
    }
}
