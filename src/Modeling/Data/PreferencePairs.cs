using System.Text.Json;
using AlpacaFarm.Abstractions.Artifacts;

namespace AlpacaFarm.Modeling.Data;

/// <summary>
/// The shared preference data's folder format, the one reader and writer: <c>pairs.jsonl</c> (one
/// <see cref="LabelledPair"/> per line, snake_case) and <c>manifest.json</c> (labelling, pair count, code version).
/// Methods open the pairs from the <see cref="ArtifactHandle"/> in their run spec.
/// </summary>
public static class PreferencePairs
{
    /// <summary>Version of this format; part of the cache key, so a format change never reuses old folders.</summary>
    public const string CodeVersion = "preference-data/1";

    /// <summary>The file holding the pairs, one JSON object a line.</summary>
    public const string PairsFile = "pairs.jsonl";

    /// <summary>The file written last: a folder that holds it is complete.</summary>
    public const string ManifestFile = "manifest.json";

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>Writes labelled pairs as a preference-data folder; <paramref name="labelling"/> says what shaped the labels.</summary>
    public static void Write(string folder, IReadOnlyList<LabelledPair> rows, string labelling)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllLines(Path.Combine(folder, PairsFile), rows.Select(row => JsonSerializer.Serialize(row, Json)));
        File.WriteAllText(Path.Combine(folder, ManifestFile), JsonSerializer.Serialize(
            new { labelling, pairs = rows.Count, code_version = CodeVersion }, Json));
    }

    /// <summary>Reads a preference-data artifact, refusing one whose content changed since its handle was made.</summary>
    public static IReadOnlyList<LabelledPair> Read(ArtifactHandle handle)
    {
        ArgumentNullException.ThrowIfNull(handle);
        if (handle.Kind != ArtifactKind.PreferenceData) throw new ArgumentException($"expected preference data, got {handle.Kind}", nameof(handle));
        if (!handle.IsIntact()) throw new InvalidDataException($"preference data at {handle.Path} changed since it was written");
        return File.ReadLines(Path.Combine(handle.Path, PairsFile)).Select(line => JsonSerializer.Deserialize<LabelledPair>(line, Json)!).ToList();
    }
}
