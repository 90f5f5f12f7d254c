using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace AlpacaFarm.Abstractions.Randomness;

/// <summary>
/// The project's one source of randomness: every random choice is a function of (purpose, key, seed),
/// hashed with SHA-256 over the UTF-8 text "purpose|key|seed" and fed to a generator whose algorithm
/// the project owns, so the same choice comes out on every machine and .NET version.
/// </summary>
/// <remarks>
/// <c>purpose</c> names the decision ("annotator", "flip", "sft-init"); <c>key</c> names what it is
/// about (an instruction, a pair); <c>seed</c> is the run's seed. A purpose may not contain '|', which
/// keeps the encoding unambiguous whatever the key holds.
/// </remarks>
public static class KeyedRandom
{
    /// <summary>A generator for one (purpose, key, seed).</summary>
    public static DeterministicRandom Create(string purpose, string key, long seed) => new(Digest(purpose, key, seed));

    /// <summary>A stable 64-bit value for (purpose, key, seed), e.g. to seed a TorchSharp generator.</summary>
    public static ulong Hash64(string purpose, string key, long seed) =>
        BinaryPrimitives.ReadUInt64LittleEndian(Digest(purpose, key, seed));

    /// <summary>One uniform draw in [0, 1) for (purpose, key, seed).</summary>
    public static double Uniform(string purpose, string key, long seed) => Create(purpose, key, seed).NextDouble();

    private static byte[] Digest(string purpose, string key, long seed)
    {
        ArgumentNullException.ThrowIfNull(purpose);
        ArgumentNullException.ThrowIfNull(key);
        if (purpose.Length == 0 || purpose.Contains('|'))
            throw new ArgumentException("A purpose must be non-empty and free of '|'.", nameof(purpose));
        var text = string.Concat(purpose, "|", key, "|", seed.ToString(CultureInfo.InvariantCulture));
        return SHA256.HashData(Encoding.UTF8.GetBytes(text));
    }
}
