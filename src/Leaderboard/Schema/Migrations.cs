using System.Globalization;
using Dapper;
using Microsoft.Data.Sqlite;

namespace AlpacaFarm.Leaderboard;

/// <summary>Forward-only schema migrations, embedded as Schema/NNN_*.sql; migration N takes PRAGMA user_version from N-1 to N.</summary>
internal static class Migrations
{
    private const string Prefix = "Schema/";

    internal static IReadOnlyList<string> Scripts { get; } = Load();

    internal static int UserVersion(SqliteConnection connection, SqliteTransaction? transaction = null) =>
        connection.ExecuteScalar<int>("PRAGMA user_version", transaction: transaction);

    /// <summary>Applies each pending migration up to <paramref name="target"/>, each in its own transaction with its version bump.</summary>
    internal static void MigrateTo(SqliteConnection connection, int target)
    {
        for (var version = UserVersion(connection) + 1; version <= target; version++)
        {
            using var transaction = connection.BeginTransaction();
            // Another process may have migrated since we looked; now that we hold the write lock, look again.
            if (UserVersion(connection, transaction) >= version)
                continue;
            connection.Execute(Scripts[version - 1], transaction: transaction);
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
