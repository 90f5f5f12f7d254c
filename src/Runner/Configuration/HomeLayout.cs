using AlpacaFarm.Abstractions.Artifacts;
using AlpacaFarm.Leaderboard;

namespace AlpacaFarm.Runner.Configuration;

/// <summary>
/// What lives where under the home: the database, the artifact cache, the runs' work directories, the methods' caches,
/// the outputs files and the locks. <c>home</c> and <c>clean</c> walk it with these names, so that what they count and what
/// they may remove are the same things.
/// </summary>
public static class HomeLayout
{
    /// <summary>The shared SFT policies, preference pairs and reward models (an <c>ArtifactCache</c> root).</summary>
    public const string Artifacts = "artifacts";

    /// <summary>One work directory per run key.</summary>
    public const string Runs = "runs";

    /// <summary>One folder per method: what every run of the method shares (Expert Iteration's selections).</summary>
    public const string Cache = "cache";

    /// <summary>The outputs files of the policies the platform scored.</summary>
    public const string Outputs = "outputs";

    /// <summary>The run locks.</summary>
    public const string Locks = "locks";

    /// <summary>An artifact cache's build folders (<c>ArtifactCache</c>: a build is renamed into place only when whole).</summary>
    public const string Building = ".building";

    /// <summary>An artifact cache's builder locks, <c>KIND-HASH.lock</c> (<c>ArtifactCache</c>).</summary>
    public const string BuilderLocks = ".locks";

    /// <summary>The database and the two files SQLite keeps beside it in WAL mode.</summary>
    public static IReadOnlyList<string> DatabaseFiles { get; } =
        [LeaderboardStore.FileName, LeaderboardStore.FileName + "-wal", LeaderboardStore.FileName + "-shm"];

    /// <summary>The folder an artifact cache keeps the artifacts of <paramref name="kind"/> in (<c>ArtifactCache</c>'s naming).</summary>
    public static string KindFolder(ArtifactKind kind) => kind.ToString().ToLowerInvariant();

    /// <summary>Names of PPO's resumable state in a run's folder: a later run of the same key continues from it.</summary>
    public static IReadOnlyList<string> ResumeFolders { get; } = ["resume", "resume-next"];

    /// <summary>Where a removal renames an item first: a prefix no builder, run or method gives a name.</summary>
    public const string RemovingPrefix = ".removing-";

    /// <summary>A run's work directory.</summary>
    public static string RunFolder(string home, string runKey) => Path.Combine(home, Runs, runKey);

    /// <summary>A method's cache folder.</summary>
    public static string MethodCache(string home, string methodId) => Path.Combine(home, Cache, methodId);

    /// <summary>
    /// The artifact folders of an artifact cache root: the folders <c>KIND/ENTRY</c> of every kind folder (names not starting
    /// with a dot), as (kind, path). A loose file there is no artifact the cache made, so it is none of them.
    /// </summary>
    public static IEnumerable<(string Kind, string Path)> ArtifactFolders(string root) =>
        Entries(root).Where(kind => Directory.Exists(kind) && !Path.GetFileName(kind).StartsWith('.'))
            .SelectMany(kind => Entries(kind).Where(Directory.Exists).Select(entry => (Path.GetFileName(kind), entry)));

    /// <summary>
    /// The draws of the methods' caches, one item each: inside an artifact cache root (Expert Iteration's), each
    /// <c>KIND/HASH</c> folder and each build folder; anything else directly under <c>cache/METHOD/</c> as it stands. The
    /// builder locks are never an item.
    /// </summary>
    public static IEnumerable<string> Draws(string home) =>
        Entries(Path.Combine(home, Cache)).SelectMany(method => Directory.Exists(method)
            ? Entries(method).Where(entry => Path.GetFileName(entry) != BuilderLocks).SelectMany(entry => IsCacheFolder(entry) ? Entries(entry) : [entry])
            : [method]);

    /// <summary>Every file under outputs/, at any depth.</summary>
    public static IReadOnlyList<string> OutputFiles(string home)
    {
        var folder = Path.Combine(home, Outputs);
        return Files(folder);
    }

    /// <summary>The files under <paramref name="path"/> at any depth (or the file itself), in ordinal order; links are not followed.</summary>
    public static IReadOnlyList<string> Files(string path) =>
        File.Exists(path) ? [path] : Directory.Exists(path) ? [.. Directory.EnumerateFiles(path, "*", Walk).Order(StringComparer.Ordinal)] : [];

    /// <summary>
    /// The bytes of the files under <paramref name="path"/> (or of the file itself): file lengths, not following symbolic links.
    /// A folder that disappears while it is walked (a run finishing) counts what was seen.
    /// </summary>
    public static long Bytes(string path)
    {
        var file = new FileInfo(path);
        if (file.LinkTarget is not null) return 0;
        if (file.Exists) return file.Length;
        if (!Directory.Exists(path)) return 0;
        long total = 0;
        try
        {
            foreach (var entry in new DirectoryInfo(path).EnumerateFiles("*", Walk))
                total += entry.Length;
        }
        catch (DirectoryNotFoundException)
        {
        }
        return total;
    }

    /// <summary>The entries of a folder, in ordinal order (none when it does not exist).</summary>
    public static IReadOnlyList<string> Entries(string folder) =>
        Directory.Exists(folder) ? [.. Directory.EnumerateFileSystemEntries(folder, "*", Flat).Order(StringComparer.Ordinal)] : [];

    /// <summary>The path of <paramref name="path"/> relative to the home, with '/' separators (as listings show it).</summary>
    public static string Relative(string home, string path) => Path.GetRelativePath(home, path).Replace(Path.DirectorySeparatorChar, '/');

    // Every entry, hidden ones (a leading dot on Unix) included; symbolic links are neither followed nor counted.
    private static readonly EnumerationOptions Walk = new()
    {
        RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint, IgnoreInaccessible = true,
    };

    private static readonly EnumerationOptions Flat = new() { AttributesToSkip = 0, IgnoreInaccessible = true };

    // An artifact cache's kind folder or build folder, whose entries are one draw each.
    private static bool IsCacheFolder(string entry) =>
        Directory.Exists(entry) && (Path.GetFileName(entry) == Building
            || Enum.GetValues<ArtifactKind>().Any(kind => KindFolder(kind) == Path.GetFileName(entry)));
}
