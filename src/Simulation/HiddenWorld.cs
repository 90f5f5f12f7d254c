using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace AlpacaFarm.Simulation;

/// <summary>
/// A farm world drawn from an operator's secret instead of the public seeds: its knowledge base's attributes (which colour
/// a lion is), its splits and its eval-805 all come from the secret, so a copy of the public gold or of the committed
/// eval-805 file is wrong in it. The secret lives in the home (<see cref="KeyFile"/>); only a hash of it (<see cref="Id"/>)
/// is ever printed or stored.
/// </summary>
public sealed class HiddenWorld
{
    /// <summary>The file in a home that holds its secret: 64 hex digits.</summary>
    public const string KeyFile = "hidden-world.key";

    private HiddenWorld(long knowledgeSeed, long splitSeed, string id) => (KnowledgeSeed, SplitSeed, Id) = (knowledgeSeed, splitSeed, id);

    /// <summary>Seed of the knowledge base's attributes (the public world's is 1).</summary>
    public long KnowledgeSeed { get; }

    /// <summary>Seed of the splits and eval-805 (the public world's is <see cref="FarmWorld.DefaultSeed"/>).</summary>
    public long SplitSeed { get; }

    /// <summary>12 hex digits of a hash of the secret: names the world in boards and artifact keys without revealing it.</summary>
    public string Id { get; }

    /// <summary>The world of a 32-byte secret.</summary>
    public static HiddenWorld FromSecret(ReadOnlySpan<byte> secret)
    {
        if (secret.Length != 32) throw new ArgumentException("a hidden world's secret is 32 bytes", nameof(secret));
        return new HiddenWorld(Derive(secret, "knowledge"), Derive(secret, "splits"), Convert.ToHexStringLower(Hash(secret, "id"))[..12]);
    }

    /// <summary>The hidden world of the home at <paramref name="home"/>; null when it has none (the public world).</summary>
    /// <exception cref="InvalidDataException">The key file is not 64 hex digits.</exception>
    public static HiddenWorld? Read(string home)
    {
        var path = Path.Combine(home, KeyFile);
        if (!File.Exists(path)) return null;
        var text = File.ReadAllText(path).Trim();
        if (text.Length != 64 || !text.All(char.IsAsciiHexDigit))
            throw new InvalidDataException($"{path} is not a hidden world's key (64 hex digits): restore it, or the home's results cannot be reproduced");
        return FromSecret(Convert.FromHexString(text));
    }

    /// <summary>
    /// Writes a fresh secret into <paramref name="home"/> (readable by its owner only) and returns its world. The secret is
    /// drawn from the operating system's cryptographic generator, not from <c>KeyedRandom</c>: it must not be reproducible
    /// from anything public.
    /// </summary>
    public static HiddenWorld Create(string home)
    {
        Directory.CreateDirectory(home);
        var path = Path.Combine(home, KeyFile);
        var secret = RandomNumberGenerator.GetBytes(32);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var file = new FileStream(path, options))
            file.Write(Encoding.ASCII.GetBytes(Convert.ToHexStringLower(secret) + "\n"));
        return FromSecret(secret);
    }

    private static long Derive(ReadOnlySpan<byte> secret, string purpose) =>
        BinaryPrimitives.ReadInt64LittleEndian(Hash(secret, purpose)) & long.MaxValue;

    private static byte[] Hash(ReadOnlySpan<byte> secret, string purpose) =>
        SHA256.HashData([.. Encoding.UTF8.GetBytes($"alpacafarm-hidden-world|{purpose}|"), .. secret]);

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"hidden world {Id}");
}
