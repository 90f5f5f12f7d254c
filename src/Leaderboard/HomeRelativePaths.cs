using Dapper;
using Microsoft.Data.Sqlite;

namespace AlpacaFarm.Leaderboard;

/// <summary>
/// Paths the database stores (run work directories, reported artifacts) are relative to the home, the folder the database
/// lives in, so that a copied or moved home keeps pointing into itself. A path outside the home is stored as given.
/// </summary>
public static class HomeRelativePaths
{
    /// <summary>What to store for <paramref name="path"/>: relative to <paramref name="home"/> when inside it, else absolute.</summary>
    public static string Store(string home, string path)
    {
        var full = Path.GetFullPath(path);
        var relative = Path.GetRelativePath(Path.GetFullPath(home), full);
        var outside = relative == "." || relative == ".." || relative.StartsWith(".." + Path.DirectorySeparatorChar, StringComparison.Ordinal)
            || Path.IsPathRooted(relative);
        return outside ? full : relative;
    }

    /// <summary>The path a stored value names: a relative one resolved against <paramref name="home"/>, an absolute one as stored.</summary>
    public static string Resolve(string home, string stored) =>
        Path.IsPathRooted(stored) ? stored : Path.GetFullPath(Path.Combine(home, stored));

    /// <summary>
    /// Migration 6's step: absolute paths become home-relative. The runner always made a run's folder as runs/KEY under the
    /// home that recorded it; that tells the recording home even when the home has moved since, so an artifact inside it
    /// is re-rooted too. Paths outside it stay absolute.
    /// </summary>
    internal static void Migrate(SqliteConnection connection, SqliteTransaction transaction, string home)
    {
        var runs = connection.Query<(long Id, string RunKey, string WorkDirectory)>(
            "SELECT id, run_key, work_directory FROM method_runs", transaction: transaction).ToList();
        foreach (var (id, key, work) in runs)
        {
            var recordedHome = RecordingHome(work, key);
            var stored = recordedHome is null ? Store(home, work) : Path.Combine("runs", key);
            connection.Execute("UPDATE method_runs SET work_directory = @Stored WHERE id = @Id", new { Stored = stored, Id = id }, transaction);

            var artifacts = connection.Query<(long RowId, string Path)>(
                "SELECT rowid, path FROM method_run_artifacts WHERE run_id = @Id", new { Id = id }, transaction).ToList();
            foreach (var (rowId, path) in artifacts)
            {
                var relative = recordedHome is not null && Path.IsPathRooted(path) && path.StartsWith(recordedHome + Path.DirectorySeparatorChar, StringComparison.Ordinal)
                    ? Path.GetRelativePath(recordedHome, path)
                    : Store(home, path);
                connection.Execute("UPDATE method_run_artifacts SET path = @Relative WHERE rowid = @RowId", new { Relative = relative, RowId = rowId }, transaction);
            }
        }
    }

    /// <summary>HOME when <paramref name="work"/> is HOME/runs/KEY (absolute), else null.</summary>
    private static string? RecordingHome(string work, string key)
    {
        if (!Path.IsPathRooted(work)) return null;
        var trimmed = Path.TrimEndingDirectorySeparator(work);
        var runs = Path.GetDirectoryName(trimmed);
        return Path.GetFileName(trimmed) == key && runs is not null && Path.GetFileName(runs) == "runs" ? Path.GetDirectoryName(runs) : null;
    }
}
