using AlpacaFarm.Abstractions.Artifacts;

namespace AlpacaFarm.Runner.Configuration;

/// <summary>One kind of thing the home holds: its bytes and how many there are.</summary>
/// <param name="Kind">One of <see cref="HomeUsage.Kinds"/>.</param>
/// <param name="Count">Files of the database; artifact folders; run folders; draws; outputs files; other files.</param>
/// <param name="ByKind">The artifacts' count per kind folder (policy, preferencedata, rewardmodel, ...); empty for the others.</param>
public sealed record HomeUsagePart(string Kind, long Bytes, int Count, IReadOnlyDictionary<string, int> ByKind);

/// <summary>
/// What the home holds on disk, by kind (<c>alpacafarm home</c>): bytes are the files' lengths, so the parts add up to the
/// total. Reads only, and not the database: it creates nothing, and a home that does not exist measures zero.
/// </summary>
public sealed record HomeUsage(string Home, string Source, bool Exists, IReadOnlyList<HomeUsagePart> Parts)
{
    public const string Database = "database";
    public const string ArtifactsKind = "artifacts";
    public const string RunsKind = "runs";
    public const string Draws = "draws";
    public const string OutputsKind = "outputs";
    public const string Other = "other";

    /// <summary>The parts, in the order they are shown.</summary>
    public static IReadOnlyList<string> Kinds { get; } = [Database, ArtifactsKind, RunsKind, Draws, OutputsKind, Other];

    public long TotalBytes => Parts.Sum(part => part.Bytes);

    public static HomeUsage Measure(AlpacaFarmHome home)
    {
        var root = home.Path;
        if (!Directory.Exists(root))
            return new(root, home.Source, false, [.. Kinds.Select(kind => new HomeUsagePart(kind, 0, 0, new Dictionary<string, int>()))]);

        var database = HomeLayout.DatabaseFiles.Select(name => Path.Combine(root, name)).Where(File.Exists).ToList();
        var artifacts = Path.Combine(root, HomeLayout.Artifacts);
        var byKind = HomeLayout.ArtifactFolders(artifacts).Where(folder => Directory.Exists(folder.Path) && !IsRemoving(folder.Path))
            .GroupBy(folder => folder.Kind).OrderBy(kind => Order(kind.Key)).ThenBy(kind => kind.Key, StringComparer.Ordinal)
            .ToDictionary(kind => kind.Key, kind => kind.Count());
        var runs = HomeLayout.Entries(Path.Combine(root, HomeLayout.Runs)).Where(Directory.Exists).ToList();
        var outputs = HomeLayout.OutputFiles(root);
        // Everything else directly under the home: locks/ and whatever a user or an older release left.
        string[] known = [.. HomeLayout.DatabaseFiles, HomeLayout.Artifacts, HomeLayout.Runs, HomeLayout.Cache, HomeLayout.Outputs];
        var other = HomeLayout.Entries(root).Where(entry => !known.Contains(Path.GetFileName(entry))).ToList();

        return new(root, home.Source, true,
        [
            Part(Database, database.Sum(HomeLayout.Bytes), database.Count),
            new(ArtifactsKind, HomeLayout.Bytes(artifacts), byKind.Values.Sum(), byKind),
            Part(RunsKind, HomeLayout.Bytes(Path.Combine(root, HomeLayout.Runs)), runs.Count),
            Part(Draws, HomeLayout.Bytes(Path.Combine(root, HomeLayout.Cache)), HomeLayout.Draws(root).Count()),
            Part(OutputsKind, HomeLayout.Bytes(Path.Combine(root, HomeLayout.Outputs)), outputs.Count),
            Part(Other, other.Sum(HomeLayout.Bytes), other.Sum(entry => HomeLayout.Files(entry).Count)),
        ]);
    }

    private static HomeUsagePart Part(string kind, long bytes, int count) => new(kind, bytes, count, new Dictionary<string, int>());

    // The platform's own kinds first, in the order a run makes them.
    private static int Order(string kind) =>
        Array.IndexOf([HomeLayout.KindFolder(ArtifactKind.Policy), HomeLayout.KindFolder(ArtifactKind.PreferenceData),
            HomeLayout.KindFolder(ArtifactKind.RewardModel), HomeLayout.KindFolder(ArtifactKind.Demonstrations)], kind) is var i and >= 0 ? i : int.MaxValue;

    private static bool IsRemoving(string path) => Path.GetFileName(path).StartsWith(HomeLayout.RemovingPrefix, StringComparison.Ordinal);
}
