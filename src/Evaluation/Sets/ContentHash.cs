using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace AlpacaFarm.Evaluation.Sets;

/// <summary>
/// Order-independent content hashes that identify sets, references and submissions. A reference file and
/// imported annotations with the same instructions and reference texts hash the same, so they share a board.
/// </summary>
public static class ContentHash
{
    /// <summary>SHA-256 over the instructions, sorted ordinally, one JSON string per line.</summary>
    public static string Instructions(IEnumerable<string> instructions) =>
        Sha256(instructions.Order(StringComparer.Ordinal).Select(instruction => JsonSerializer.Serialize(instruction) + "\n"));

    /// <summary>SHA-256 over (instruction, text) pairs, sorted by instruction, as "json\tjson\n" lines.</summary>
    public static string Pairs(IEnumerable<(string Instruction, string Text)> pairs) =>
        Sha256(pairs.OrderBy(pair => pair.Instruction, StringComparer.Ordinal)
            .Select(pair => JsonSerializer.Serialize(pair.Instruction) + "\t" + JsonSerializer.Serialize(pair.Text) + "\n"));

    /// <summary>SHA-256 of a file's bytes, lowercase hex (provenance of submitted files).</summary>
    public static string File(string path)
    {
        using var stream = System.IO.File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>SHA-256 of a string's UTF-8 bytes, lowercase hex.</summary>
    public static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private static string Sha256(IEnumerable<string> lines)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var line in lines) hash.AppendData(Encoding.UTF8.GetBytes(line));
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
