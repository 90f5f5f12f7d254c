namespace AlpacaFarm.Runner.Configuration;

/// <summary>Why <c>clean</c> keeps or removes an item: a short code, the same for every item of that case.</summary>
public static class CleanReason
{
    /// <summary>Kept: a stored row (or the run that stored it) names it.</summary>
    public const string Stored = "stored";

    /// <summary>Kept: its run lock is held, so its run is in progress.</summary>
    public const string Running = "running";

    /// <summary>Kept: PPO's resumable state of a run that did not succeed; the key's next run continues from it.</summary>
    public const string Resumable = "resumable";

    /// <summary>Kept: its builder lock is held, so it is being built or drawn.</summary>
    public const string Building = "building";

    /// <summary>Kept: a run or a build is in progress in the home and may read it before any row names it.</summary>
    public const string InUse = "in-use";

    /// <summary>Kept: it could not be read, so whether a row needs it is unknown.</summary>
    public const string Unreadable = "unreadable";

    /// <summary>Removable: no run is recorded with the folder's name.</summary>
    public const string Unrecorded = "unrecorded";

    /// <summary>Removable: the key's runs stored no row that is still on its board.</summary>
    public const string NoRow = "no-row";

    /// <summary>Removable: no stored row or recorded run names it.</summary>
    public const string Unused = "unused";

    /// <summary>Removable: a build folder its builder left when it stopped.</summary>
    public const string Leftover = "leftover";

    /// <summary>Removable: an intermediate, drawn again from its inputs when a run needs it.</summary>
    public const string Draw = "draw";
}

/// <summary>One thing under the home that <c>clean</c> looked at.</summary>
/// <param name="Path">Relative to the home, with '/' separators.</param>
/// <param name="Kind">runs, artifacts, draws or outputs (<see cref="HomeUsage.Kinds"/>).</param>
/// <param name="Reason">One of <see cref="CleanReason"/>'s codes.</param>
/// <param name="Why">The reason in words, naming the row, run or lock.</param>
/// <param name="ContentSha256">An artifact folder's or outputs file's content hash, as provenance names it; null for the others.</param>
public sealed record CleanItem(string Path, string Kind, long Bytes, bool Remove, string Reason, string Why, string? ContentSha256 = null);

/// <summary>What <c>clean</c> would remove and what it keeps, with why; the database is never an item.</summary>
public sealed record CleanPlan(string Home, string Source, bool Exists, IReadOnlyList<CleanItem> Items)
{
    public IReadOnlyList<CleanItem> Removable => [.. Items.Where(item => item.Remove)];

    public IReadOnlyList<CleanItem> Kept => [.. Items.Where(item => !item.Remove)];

    public long RemovableBytes => Items.Where(item => item.Remove).Sum(item => item.Bytes);
}

/// <summary>What <c>clean --yes</c> did: the items it removed, those it kept after all (decided again at removal), those it failed to remove.</summary>
/// <param name="Skipped">Items the plan listed but found needed at removal (a run started, a row was stored meanwhile), with the new reason.</param>
/// <param name="Failed">Items that could not be removed, the error in <see cref="CleanItem.Why"/>.</param>
public sealed record CleanResult(IReadOnlyList<CleanItem> Removed, IReadOnlyList<CleanItem> Skipped, IReadOnlyList<CleanItem> Failed)
{
    public long FreedBytes => Removed.Sum(item => item.Bytes);
}
