using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using AlpacaFarm.Abstractions.Artifacts;

namespace AlpacaFarm.Modeling.Checkpoints;

/// <summary>
/// What an artifact was made from: the farm world's version, the data split, the configuration (canonical JSON of
/// model and trainer settings), the seed, and the code version of the trainer that made it.
/// </summary>
public sealed record ArtifactKey(string WorldVersion, string Split, string ConfigJson, long Seed, string CodeVersion)
{
    /// <summary>Lowercase hex SHA-256 of the key's JSON (fields in declaration order).</summary>
    public string Hash() => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(ToJson())));

    /// <summary>The key's JSON, as stored in <see cref="ArtifactCache.KeyFile"/>.</summary>
    public string ToJson() => JsonSerializer.Serialize(this);
}

/// <summary>
/// Artifacts built once and shared: <c>root/kind/hash-of-key</c>. A missing artifact is built by one builder at a time:
/// the builder holds <c>root/.locks/kind-hash.lock</c>, and another process (or thread) that needs the same artifact waits
/// for it and then finds it built. It is built in a private folder under <c>root/.building</c> and renamed into place
/// (atomic on one file system), so a half-built folder is never seen; a folder a killed builder left there is removed
/// by the next builder of that artifact. A different code version is a different key, hence a different folder: stale
/// artifacts are never reused.
/// </summary>
public sealed class ArtifactCache(string root)
{
    /// <summary>The key file every cached folder holds (part of its content hash).</summary>
    public const string KeyFile = "artifact-key.json";

    /// <summary>The cache's folder (absolute).</summary>
    public string Root { get; } = Path.GetFullPath(root);

    /// <summary>The folder an artifact of this kind and key lives in (whether or not it exists).</summary>
    public string FolderFor(ArtifactKind kind, ArtifactKey key) => Path.Combine(Root, kind.ToString().ToLowerInvariant(), key.Hash());

    /// <summary>Whether <paramref name="handle"/> is one of this cache's folders, filed under the hash of the key it holds.</summary>
    public bool Holds(ArtifactHandle handle)
    {
        var folder = Path.TrimEndingDirectorySeparator(Path.GetFullPath(handle.Path));
        if (Path.GetDirectoryName(folder) != Path.Combine(Root, handle.Kind.ToString().ToLowerInvariant())) return false;
        var stored = Path.Combine(folder, KeyFile);
        if (!File.Exists(stored)) return false;
        var key = System.Text.Json.JsonSerializer.Deserialize<ArtifactKey>(File.ReadAllText(stored));
        return key is not null && key.ToJson() == File.ReadAllText(stored) && key.Hash() == Path.GetFileName(folder);
    }

    /// <summary>The cached artifact, if it exists.</summary>
    public ArtifactHandle? TryGet(ArtifactKind kind, ArtifactKey key)
    {
        var folder = FolderFor(kind, key);
        if (!Directory.Exists(folder)) return null;
        var stored = Path.Combine(folder, KeyFile);
        if (!File.Exists(stored) || File.ReadAllText(stored) != key.ToJson())
            throw new InvalidDataException($"cached artifact {folder} does not hold the key it is filed under");
        return ArtifactHandle.ForFolder(kind, folder, key.CodeVersion);
    }

    /// <summary>The cached artifact, or the one <paramref name="create"/> writes into the folder it is given.</summary>
    public ArtifactHandle GetOrCreate(ArtifactKind kind, ArtifactKey key, Action<string> create) => GetOrCreate(kind, key, create, null, CancellationToken.None);

    /// <summary>The cached artifact, or the one <paramref name="create"/> writes into the folder it is given.</summary>
    /// <param name="waiting">Called once if another builder has the artifact in hand, before waiting for it.</param>
    /// <param name="cancellationToken">Cancels the wait (a build in progress is cancelled through its own token).</param>
    public ArtifactHandle GetOrCreate(ArtifactKind kind, ArtifactKey key, Action<string> create, Action? waiting,
        CancellationToken cancellationToken)
    {
        if (TryGet(kind, key) is { } cached) return cached;
        var hash = key.Hash();
        var name = kind.ToString().ToLowerInvariant();
        using var builder = ExclusiveFileLock.Acquire(Path.Combine(Root, ".locks", $"{name}-{hash}.lock"), waiting, cancellationToken);
        // The previous holder may have built it while this one waited.
        if (TryGet(kind, key) is { } built) return built;
        RemoveOrphans(hash);

        var final = FolderFor(kind, key);
        var building = Path.Combine(Root, ".building", $"{hash}-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(building);
        try
        {
            create(building);
            File.WriteAllText(Path.Combine(building, KeyFile), key.ToJson());
            Directory.CreateDirectory(Path.GetDirectoryName(final)!);
            Directory.Move(building, final);
        }
        finally
        {
            if (Directory.Exists(building)) Directory.Delete(building, recursive: true);
        }
        return TryGet(kind, key) ?? throw new InvalidOperationException($"artifact {final} was not created");
    }

    /// <summary>
    /// Build folders of this artifact that no builder owns: only the lock's holder builds it, and this caller holds the lock,
    /// so any such folder was left by a builder that was killed.
    /// </summary>
    private void RemoveOrphans(string hash)
    {
        var building = Path.Combine(Root, ".building");
        if (!Directory.Exists(building)) return;
        foreach (var orphan in Directory.EnumerateDirectories(building, $"{hash}-*"))
            Directory.Delete(orphan, recursive: true);
    }
}
