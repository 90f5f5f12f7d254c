using System.Globalization;
using Dapper;
using Microsoft.Data.Sqlite;

namespace AlpacaFarm.Leaderboard;

/// <summary>
/// Forward-only schema migrations, embedded as Schema/NNN_*.sql; migration N takes PRAGMA user_version from N-1 to N. A
/// migration may also have a code step (<see cref="CodeSteps"/>), run after its SQL in the same transaction, for what SQL
/// cannot know, such as the folder the database lives in.
/// </summary>
internal static class Migrations
{
    private const string Prefix = "Schema/";

    internal static IReadOnlyList<string> Scripts { get; } = Load();

    /// <summary>Code steps by version: (connection, transaction, the database's folder, which is the home).</summary>
    private static readonly Dictionary<int, Action<SqliteConnection, SqliteTransaction, string>> CodeSteps = new()
    {
        [6] = HomeRelativePaths.Migrate,
        [7] = IntegrityColumns.Migrate,
    };

    internal static int UserVersion(SqliteConnection connection, SqliteTransaction? transaction = null) =>
        connection.ExecuteScalar<int>("PRAGMA user_version", transaction: transaction);

    /// <summary>
    /// Applies each pending migration up to <paramref name="target"/>, each in its own transaction with its version bump.
    /// Foreign keys are turned off first, so that rebuilding a table keeps its children; the caller turns them on again.
    /// </summary>
    /// <param name="home">The database's folder.</param>
    internal static void MigrateTo(SqliteConnection connection, int target, string home)
    {
        // SQLitePCLRaw's e_sqlite3 turns foreign keys on by default: off here, outside any transaction, where the pragma applies.
        connection.Execute("PRAGMA foreign_keys = OFF");
        for (var version = UserVersion(connection) + 1; version <= target; version++)
        {
            using var transaction = connection.BeginTransaction();
            // Another process may have migrated since we looked; now that we hold the write lock, look again.
            if (UserVersion(connection, transaction) >= version)
                continue;
            connection.Execute(Scripts[version - 1], transaction: transaction);
            if (CodeSteps.TryGetValue(version, out var step)) step(connection, transaction, home);
            if (connection.ExecuteScalar<long>("SELECT COUNT(*) FROM pragma_foreign_key_check", transaction: transaction) != 0)
                throw new InvalidOperationException($"Migration {version} would leave rows whose parent is gone; nothing was changed.");
            connection.Execute($"PRAGMA user_version = {version.ToString(CultureInfo.InvariantCulture)}", transaction: transaction);
            transaction.Commit();
        }
    }

    private static string[] Load()
    {
        var assembly = typeof(Migrations).Assembly;
        var names = assembly.GetManifestResourceNames()
            .Where(name => name.StartsWith(Prefix, StringComparison.Ordinal) && name.EndsWith(".sql", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToArray();
        var scripts = new string[names.Length];
        for (var i = 0; i < names.Length; i++)
        {
            // A gap or duplicate number would silently skip or repeat a step of every database's history.
            if (int.Parse(names[i].AsSpan(Prefix.Length, 3), CultureInfo.InvariantCulture) != i + 1)
                throw new InvalidOperationException($"Migration {names[i]} is out of sequence: expected number {i + 1:D3}.");
            using var reader = new StreamReader(assembly.GetManifestResourceStream(names[i])!);
            scripts[i] = reader.ReadToEnd();
        }
        return scripts;
    }
}
