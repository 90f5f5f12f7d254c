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
            Migrations.MigrateTo(connection, 1);
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

    private IReadOnlyList<string> Schema()
    {
        using var connection = _db.Connect();
        return connection.Query<string>("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name").ToList();
    }
}
