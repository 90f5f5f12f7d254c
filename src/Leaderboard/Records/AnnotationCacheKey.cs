using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace AlpacaFarm.Leaderboard;

/// <summary>
/// What decides an annotator's preference: the annotator (name and settings), the instruction, the two outputs
/// in the order they were shown, and the seed (null for annotators that take none, which is not seed 0).
/// </summary>
public readonly record struct AnnotationCacheKey(string AnnotatorKey, string Instruction, string OutputShown1, string OutputShown2, long? Seed)
{
    /// <summary>Lowercase hex SHA-256 of the fields, each length-prefixed so that no two keys encode alike.</summary>
    internal string Sha256()
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> number = stackalloc byte[8];
        foreach (var field in (ReadOnlySpan<string>)[AnnotatorKey, Instruction, OutputShown1, OutputShown2])
        {
            var bytes = Encoding.UTF8.GetBytes(field);
            BinaryPrimitives.WriteInt64LittleEndian(number, bytes.Length);
            hash.AppendData(number);
            hash.AppendData(bytes);
        }
        hash.AppendData([Seed.HasValue ? (byte)1 : (byte)0]);
        BinaryPrimitives.WriteInt64LittleEndian(number, Seed.GetValueOrDefault());
        hash.AppendData(number);
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
