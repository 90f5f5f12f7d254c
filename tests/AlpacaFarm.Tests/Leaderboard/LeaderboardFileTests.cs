using AlpacaFarm.Leaderboard;
using Dapper;

namespace AlpacaFarm.Tests.Leaderboard;

/// <summary>Files the store must refuse untouched, the read-only open, and errors that name the file.</summary>
public sealed class LeaderboardFileTests : IDisposable
{
    private readonly TempDatabase _db = new();

    public void Dispose() => _db.Dispose();

    [Fact]
    public void A_foreign_database_with_tables_is_refused_untouched_by_both_opens()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_db.Path)!);
        using (var connection = _db.Connect())
            connection.Execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO customers (name) VALUES ('Ada')");
        var bytes = File.ReadAllBytes(_db.Path);

        var write = Assert.Throws<LeaderboardDatabaseException>(() => LeaderboardStore.Open(_db.Path));
        var read = Assert.Throws<LeaderboardDatabaseException>(() => LeaderboardStore.OpenReadOnly(_db.Path));

        Assert.Equal(
            $"'{_db.Path}' is an SQLite database with tables but no AlpacaFarm schema version: not an AlpacaFarm leaderboard; it was not changed.",
            write.Message);
        Assert.Equal(write.Message, read.Message);
        Assert.Equal(bytes, File.ReadAllBytes(_db.Path));
        Assert.Equal(0, _db.Scalar("SELECT COUNT(*) FROM sqlite_master WHERE name = 'boards'"));
    }

    [Fact]
    public void A_negative_schema_version_is_refused_with_its_number()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_db.Path)!);
        using (var connection = _db.Connect())
            connection.Execute("PRAGMA user_version = -1");

        var error = Assert.Throws<LeaderboardDatabaseException>(() => LeaderboardStore.Open(_db.Path));

        Assert.Equal($"The leaderboard database '{_db.Path}' has schema version -1, which no AlpacaFarm writes; it was not changed.", error.Message);
    }

    [Fact]
    public void A_file_that_is_not_sqlite_gets_an_error_naming_the_file()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_db.Path)!);
        File.WriteAllText(_db.Path, new string('x', 4096));

        var error = Assert.Throws<LeaderboardDatabaseException>(() => LeaderboardStore.Open(_db.Path));

        Assert.StartsWith($"leaderboard database '{_db.Path}': SQLite Error 26", error.Message);
        Assert.Equal(new string('x', 4096), File.ReadAllText(_db.Path));
    }

    [Fact]
    public void Opening_for_reading_creates_no_file_and_no_folder()
    {
        Assert.Null(LeaderboardStore.OpenReadOnly(_db.Path));

        Assert.False(Directory.Exists(Path.GetDirectoryName(_db.Path)));
    }

    [Fact]
    public void Opening_an_empty_file_for_reading_writes_nothing_to_it()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_db.Path)!);
        File.WriteAllBytes(_db.Path, []);

        Assert.Null(LeaderboardStore.OpenReadOnly(_db.Path));

        Assert.Equal(0, new FileInfo(_db.Path).Length);
    }

    [Fact]
    public void Version_4_counts_unjudged_pairs_of_stored_rows_and_drops_the_constant_lc_standard_error()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_db.Path)!);
        using (var connection = _db.Connect())
        {
            Migrations.MigrateTo(connection, 3, Path.GetDirectoryName(_db.Path)!);
            // Two rows as version 3 stored them: outputs scored with two pairs unjudged (NULL), and an import with one unparsed.
            connection.Execute("""
                INSERT INTO boards VALUES ('b1', 'alpaca_eval', 'e', 'r', 'p', 'AlpacaEval', 'ref', 'pool');
                INSERT INTO submissions VALUES (1, 'b1', 'scored', 'outputs', 'c1', 0, 'community', '{}');
                INSERT INTO submissions VALUES (2, 'b1', 'imported', 'annotations', 'c2', 0, 'community', '{}');
                INSERT INTO evaluation_runs VALUES (10, 1, 0, 0, 0, 0, 3), (20, 2, 0, 0, 0, 0, 0);
                INSERT INTO annotations VALUES (10, 0, 'i0', 2, 'a', 0, 0), (10, 1, 'i1', NULL, 'a', 0, 0), (10, 2, 'i2', NULL, 'a', 0, 0);
                INSERT INTO annotations VALUES (20, 0, 'i0', NULL, 'a', 0, 0), (20, 1, 'i1', 1, 'a', 0, 0);
                INSERT INTO aggregates VALUES (10, 100, NULL, 1, 0, 0, 1, 100, 'community', 5, 50, 0, NULL, NULL);
                INSERT INTO aggregates VALUES (20, 0, NULL, 0, 1, 0, 1, 0, 'community', 5, 50, 0, NULL, NULL);
                """);
        }

        using var store = LeaderboardStore.Open(_db.Path);

        Assert.Equal(2, store.FindSubmission("b1", "scored")!.Aggregate.NUnjudged);
        Assert.Equal(0, store.FindSubmission("b1", "imported")!.Aggregate.NUnjudged);
        Assert.Equal(0, _db.Scalar("SELECT COUNT(*) FROM aggregates WHERE lc_standard_error IS NOT NULL"));
    }
}
