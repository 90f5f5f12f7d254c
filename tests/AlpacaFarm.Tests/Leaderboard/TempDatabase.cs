using Dapper;
using Microsoft.Data.Sqlite;

namespace AlpacaFarm.Tests.Leaderboard;

/// <summary>A database path in a fresh temp folder (not yet created), deleted with everything in it on dispose.</summary>
public sealed class TempDatabase : IDisposable
{
    private readonly string _root = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "alpacafarm-tests", Guid.NewGuid().ToString("N"));

    public TempDatabase() => Path = System.IO.Path.Combine(_root, "nested", "leaderboard.db");

    public string Path { get; }

    /// <summary>A plain connection beside the store's, for checks the store's API does not offer.</summary>
    public SqliteConnection Connect()
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    public long Scalar(string sql)
    {
        using var connection = Connect();
        return connection.ExecuteScalar<long>(sql);
    }

    /// <summary>Rows in every table the store writes.</summary>
    public IReadOnlyDictionary<string, long> Counts()
    {
        using var connection = Connect();
        return new[] { "boards", "submissions", "outputs", "evaluation_runs", "annotations", "aggregates" }
            .ToDictionary(table => table, table => connection.ExecuteScalar<long>($"SELECT COUNT(*) FROM {table}"));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_root))
            Directory.Delete(_root, recursive: true);
    }
}
