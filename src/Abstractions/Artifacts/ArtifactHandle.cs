using System.Security.Cryptography;
using System.Text;

namespace AlpacaFarm.Abstractions.Artifacts;

/// <summary>
/// A model or data set on disk, passed by reference: the modeling SDK opens policy and reward-model handles.
/// </summary>
/// <param name="Kind">What the folder holds.</param>
/// <param name="Path">Absolute path of the folder.</param>
/// <param name="ContentSha256">SHA-256 over the sorted (relative path, file SHA-256) list of the folder; see <see cref="HashFolder"/>.</param>
/// <param name="CodeVersion">Version of the code that wrote it, so stale artifacts are never silently reused.</param>
public sealed record ArtifactHandle(ArtifactKind Kind, string Path, string ContentSha256, string CodeVersion)
{
    /// <summary>A handle for an existing folder, hashing its content.</summary>
    public static ArtifactHandle ForFolder(ArtifactKind kind, string folder, string codeVersion)
    {
        var full = System.IO.Path.GetFullPath(folder);
        return new ArtifactHandle(kind, full, HashFolder(full), codeVersion);
    }

    /// <summary>Whether the folder still holds exactly the content this handle names.</summary>
    public bool IsIntact() => Directory.Exists(Path) && HashFolder(Path) == ContentSha256;

    /// <summary>
    /// Lowercase hex SHA-256 of the UTF-8 lines "relative/path\tfile-sha256\n", one per file, ordered by ordinal
    /// comparison of the relative path ('/' separators): independent of file system order and platform.
    /// </summary>
    public static string HashFolder(string folder)
    {
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"artifact folder not found: {folder}");
        var lines = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Select(file => (Relative: System.IO.Path.GetRelativePath(folder, file).Replace('\\', '/'), File: file))
            .OrderBy(entry => entry.Relative, StringComparer.Ordinal)
            .Select(entry => $"{entry.Relative}\t{HashFile(entry.File)}\n");
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Concat(lines))));
    }

    private static string HashFile(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
