using AlpacaFarm.Abstractions.Artifacts;
using AlpacaFarm.Evaluation.Sets;
using AlpacaFarm.Leaderboard;
using AlpacaFarm.Modeling.Checkpoints;
using AlpacaFarm.Runner.Methods;

namespace AlpacaFarm.Runner.Configuration;

/// <summary>
/// <c>alpacafarm clean</c>: decides what under the home no stored row and no running run needs (<see cref="Plan"/>, which
/// reads only), then removes it (<see cref="Remove"/>). Items are what lies in runs/, artifacts/, cache/ and outputs/; the
/// database, the locks and anything else under the home are never items. Needed are: a run folder whose run stored a row that is still on its board, whose run lock is held, or
/// that holds PPO's resumable state of a run that did not succeed; an artifact or outputs file a stored row names (by path or
/// by content hash) or a run reported, or whose builder lock is held; draws and unnamed artifacts and outputs while a run or
/// a build is in progress, since it may read them before any row names them. A build folder whose builder lock is free was
/// left by a builder that stopped.
/// </summary>
public static class HomeCleaner
{
    public static CleanPlan Plan(AlpacaFarmHome home)
    {
        if (!Directory.Exists(home.Path)) return new CleanPlan(home.Path, home.Source, false, []);
        var stored = StoredNeeds.Read(home.Path);
        var locks = HeldLocks.Read(home.Path);
        var items = new List<CleanItem>();
        items.AddRange(HomeLayout.Entries(Path.Combine(home.Path, HomeLayout.Runs)).Select(path => Run(home.Path, path, stored, locks, ownLock: false)));
        var artifacts = Path.Combine(home.Path, HomeLayout.Artifacts);
        items.AddRange(HomeLayout.ArtifactFolders(artifacts).Select(folder => Artifact(home.Path, folder.Kind, folder.Path, null, stored, locks)));
        items.AddRange(HomeLayout.Entries(Path.Combine(artifacts, HomeLayout.Building)).Select(path => Building(home.Path, artifacts, path, HomeUsage.ArtifactsKind, locks)));
        items.AddRange(HomeLayout.Draws(home.Path).Select(path => Draw(home.Path, path, locks)));
        items.AddRange(HomeLayout.OutputFiles(home.Path).Select(path => Output(home.Path, path, stored, locks)));
        return new CleanPlan(home.Path, home.Source, true, items);
    }

    /// <summary>
    /// Removes the plan's removable items, each decided again just before, under the lock that guards it where it has one
    /// (taken without waiting; an item whose lock another process holds is skipped): a run folder under its run lock, an
    /// artifact or a draw under its builder lock, a build folder under the builder locks of its hash. Runs go first, each
    /// against the database as it is then; the others against the database as it is after the runs and the locks as they
    /// are at the item. An item is renamed aside first and then deleted, so an interrupted removal never leaves half a folder
    /// where a run or a cache would look for a whole one.
    /// </summary>
    public static CleanResult Remove(CleanPlan plan, CancellationToken cancellationToken)
    {
        var (removed, skipped, failed) = (new List<CleanItem>(), new List<CleanItem>(), new List<CleanItem>());
        var home = plan.Home;

        // Takes the item's locks (none for an item without one), decides again with the locks as they are, then removes.
        void Attempt(CleanItem item, IReadOnlyList<string> lockFiles, Func<HeldLocks, CleanItem> decide)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var held = new List<ExclusiveFileLock>();
            try
            {
                foreach (var file in lockFiles)
                {
                    if (ExclusiveFileLock.TryAcquire(file) is not { } taken)
                    {
                        skipped.Add(item with
                        {
                            Remove = false,
                            Reason = item.Kind == HomeUsage.RunsKind ? CleanReason.Running : CleanReason.Building,
                            Why = item.Kind == HomeUsage.RunsKind ? "a run of its key started meanwhile" : "a builder took its lock meanwhile",
                        });
                        return;
                    }
                    held.Add(taken);
                }
                var now = decide(HeldLocks.Read(home, except: lockFiles));
                if (!now.Remove)
                {
                    skipped.Add(now);
                    return;
                }
                removed.Add(now with { Bytes = Discard(Path.Combine(home, item.Path)) });
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                failed.Add(item with { Why = e.Message.ReplaceLineEndings(" ") });
            }
            finally
            {
                // The lock files stay: unlinking a lock file another process has just opened would let two holders in.
                foreach (var taken in held) taken.Dispose();
            }
        }

        foreach (var item in plan.Removable.Where(item => item.Kind == HomeUsage.RunsKind))
        {
            var path = Path.Combine(home, item.Path);
            // Under the lock no process runs the key, so the database read there is the last word on its folder.
            Attempt(item, [RunLocks.PathFor(home, Path.GetFileName(path))], locks => Run(home, path, StoredNeeds.Read(home), locks, ownLock: true));
        }

        var stored = StoredNeeds.Read(home);
        foreach (var item in plan.Removable.Where(item => item.Kind != HomeUsage.RunsKind))
        {
            var path = Path.Combine(home, item.Path);
            var parent = Path.GetDirectoryName(path)!;
            var root = Path.GetDirectoryName(parent)!;
            var name = Path.GetFileName(path);
            if (item.Kind is HomeUsage.ArtifactsKind or HomeUsage.Draws && Path.GetFileName(parent) == HomeLayout.Building)
                Attempt(item, HeldLocks.BuilderLocks(root, BuildHash(path)), locks => Building(home, root, path, item.Kind, locks));
            else if (item.Kind == HomeUsage.ArtifactsKind)
                Attempt(item, [HeldLocks.BuilderLock(root, Path.GetFileName(parent), name)],
                    locks => Artifact(home, Path.GetFileName(parent), path, item.ContentSha256, stored, locks));
            else if (item.Kind == HomeUsage.Draws)
                Attempt(item, IsInCacheRoot(home, path) ? [HeldLocks.BuilderLock(root, Path.GetFileName(parent), name)] : [], locks => Draw(home, path, locks));
            else
                Attempt(item, [], locks => Output(home, path, stored, locks));
        }
        return new CleanResult(removed, skipped, failed);
    }

    private static CleanItem Run(string home, string path, StoredNeeds stored, HeldLocks locks, bool ownLock)
    {
        var key = Path.GetFileName(path);
        CleanItem Item(bool remove, string reason, string why) => new(HomeLayout.Relative(home, path), HomeUsage.RunsKind, HomeLayout.Bytes(path), remove, reason, why);
        if (!ownLock && locks.IsRunning(key)) return Item(false, CleanReason.Running, "running now: its run lock is held");
        if (stored.ItemNeed(HomeLayout.Relative(home, path)) is { } need) return Item(false, CleanReason.Stored, need);
        var runs = stored.Runs[key].OrderByDescending(run => run.Id).ToList();
        // A run recorded as running whose lock is free lost its process (or this process holds the lock to remove it).
        var statuses = runs.Select(run => run.Status == MethodRunStatus.Running ? MethodRunStatus.Interrupted : run.Status).ToList();
        // PPO continues from resume/ whatever the database says, so the state stays unless the key's last run succeeded.
        if (statuses.FirstOrDefault() != MethodRunStatus.Succeeded && HomeLayout.ResumeFolders.FirstOrDefault(name => Directory.Exists(Path.Combine(path, name))) is { } resume)
            return Item(false, CleanReason.Resumable, runs.Count == 0
                ? $"resumable: no run is recorded with this key, but it holds {resume}/, which the key's next run continues from"
                : $"resumable: its {statuses[0]} run continues from {resume}/ when the key runs again");
        if (runs.Count == 0) return Item(true, CleanReason.Unrecorded, "no run is recorded with this key");
        var what = runs.Count == 1 ? $"its {statuses[0]} run" : $"its {runs.Count} runs ({string.Join(", ", statuses.Distinct())})";
        return Item(true, CleanReason.NoRow, $"{what} stored no row that is on a board");
    }

    /// <param name="sha256">The folder's content hash when known (the plan's, at removal: artifacts do not change); null to hash it when needed.</param>
    private static CleanItem Artifact(string home, string kind, string path, string? sha256, StoredNeeds stored, HeldLocks locks)
    {
        var relative = HomeLayout.Relative(home, path);
        CleanItem Item(bool remove, string reason, string why) => new(relative, HomeUsage.ArtifactsKind, HomeLayout.Bytes(path), remove, reason, why, sha256);
        // A row names its artifacts by path or by content; the path is cheap to check, a hash reads the whole folder.
        if (stored.ItemNeed(relative) is { } byPath) return Item(false, CleanReason.Stored, byPath);
        sha256 ??= Hash(path);
        if (stored.HashNeed(sha256) is { } byHash) return Item(false, CleanReason.Stored, byHash);
        if (sha256 is null && !IsRemoving(path)) return Item(false, CleanReason.Unreadable, "its files could not be read");
        if (locks.IsBuilding(Path.GetDirectoryName(Path.GetDirectoryName(path))!, kind, Path.GetFileName(path)))
            return Item(false, CleanReason.Building, "being built: its builder lock is held");
        if (locks.Busy) return Item(false, CleanReason.InUse, locks.Activity);
        return Item(true, CleanReason.Unused, "no stored row or recorded run names it");
    }

    private static CleanItem Building(string home, string root, string path, string kind, HeldLocks locks)
    {
        CleanItem Item(bool remove, string reason, string why) => new(HomeLayout.Relative(home, path), kind, HomeLayout.Bytes(path), remove, reason, why);
        return locks.IsBuildingAny(root, BuildHash(path))
            ? Item(false, CleanReason.Building, "being built: its builder lock is held")
            : Item(true, CleanReason.Leftover, "left by a build that stopped: its builder lock is free");
    }

    // ArtifactCache names a build folder HASH-PID-GUID and holds the artifact's builder lock while it builds there.
    private static string BuildHash(string path) => Path.GetFileName(path).Split('-')[0];

    private static CleanItem Draw(string home, string path, HeldLocks locks)
    {
        var parent = Path.GetDirectoryName(path)!;
        var root = Path.GetDirectoryName(parent)!;
        // Inside a method's artifact cache a draw has its builder lock, and the build folders are as the artifacts' are.
        if (Path.GetFileName(parent) == HomeLayout.Building) return Building(home, root, path, HomeUsage.Draws, locks);
        CleanItem Item(bool remove, string reason, string why) => new(HomeLayout.Relative(home, path), HomeUsage.Draws, HomeLayout.Bytes(path), remove, reason, why);
        if (IsInCacheRoot(home, path) && locks.IsBuilding(root, Path.GetFileName(parent), Path.GetFileName(path)))
            return Item(false, CleanReason.Building, "being drawn: its builder lock is held");
        if (locks.Busy) return Item(false, CleanReason.InUse, locks.Activity);
        return Item(true, CleanReason.Draw, "an intermediate: drawn again from its inputs when a run needs it");
    }

    // A draw filed as cache/METHOD/KIND/HASH (an artifact cache inside the method's folder), not cache/METHOD/NAME.
    private static bool IsInCacheRoot(string home, string path) =>
        Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(path))) == Path.Combine(home, HomeLayout.Cache);

    private static CleanItem Output(string home, string path, StoredNeeds stored, HeldLocks locks)
    {
        var relative = HomeLayout.Relative(home, path);
        var sha256 = Hash(path);
        CleanItem Item(bool remove, string reason, string why) => new(relative, HomeUsage.OutputsKind, HomeLayout.Bytes(path), remove, reason, why, sha256);
        if ((stored.ItemNeed(relative) ?? stored.HashNeed(sha256)) is { } need) return Item(false, CleanReason.Stored, need);
        if (File.Exists(path) && sha256 is null) return Item(false, CleanReason.Unreadable, "it could not be read");
        if (locks.Busy) return Item(false, CleanReason.InUse, locks.Activity);
        return Item(true, CleanReason.Unused, "no stored row names it");
    }

    /// <summary>
    /// The content hash provenance would name: an artifact folder's (<see cref="ArtifactHandle.HashFolder"/>) or a file's
    /// (<see cref="ContentHash.File"/>); null when it cannot be read, or for a folder being removed.
    /// </summary>
    private static string? Hash(string path)
    {
        try
        {
            if (IsRemoving(path)) return null;
            if (Directory.Exists(path)) return ArtifactHandle.HashFolder(path);
            return File.Exists(path) ? ContentHash.File(path) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static bool IsRemoving(string path) => Path.GetFileName(path).StartsWith(HomeLayout.RemovingPrefix, StringComparison.Ordinal);

    /// <summary>Deletes a file or a link, or renames a folder aside (<see cref="HomeLayout.RemovingPrefix"/>) and deletes that; the bytes it held.</summary>
    private static long Discard(string path)
    {
        var bytes = HomeLayout.Bytes(path);
        var info = new FileInfo(path);
        if (info.LinkTarget is not null || info.Exists)
        {
            File.Delete(path);
            return bytes;
        }
        if (!Directory.Exists(path)) return 0;
        var aside = Path.Combine(Path.GetDirectoryName(path)!, HomeLayout.RemovingPrefix + Guid.NewGuid().ToString("N"));
        Directory.Move(path, aside);
        Directory.Delete(aside, recursive: true);
        return bytes;
    }
}
