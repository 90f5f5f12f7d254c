using System.Text.Json;
using AlpacaFarm.Abstractions.Artifacts;
using AlpacaFarm.Abstractions.Preferences;
using AlpacaFarm.Evaluation.Sets;

namespace AlpacaFarm.Evaluation.Preferences;

/// <summary>
/// The shared preference data methods receive: pairs labelled once through the training service and kept as an
/// artifact folder (pairs.jsonl + manifest.json), reused whenever the same pairs and labelling are asked for again.
/// </summary>
public static class PreferenceDataset
{
    /// <summary>Version of this writer; part of the cache key, so a format change never reuses old folders.</summary>
    public const string CodeVersion = "preference-data/1";

    private const string PairsFile = "pairs.jsonl";
    private const string ManifestFile = "manifest.json";

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>
    /// The artifact for <paramref name="pairs"/> labelled by <paramref name="service"/>. <paramref name="labelling"/>
    /// names everything that shapes the labels (pool hash, seed, noise) and, with the pairs, keys the cache.
    /// A pair no annotator could label fails the build: the labels that succeeded are in the annotation cache,
    /// so a re-run asks only for the failed ones.
    /// </summary>
    public static async Task<ArtifactHandle> BuildOrReuseAsync(
        IReadOnlyList<PreferenceQuery> pairs, string labelling, IPreferenceService service, string artifactsRoot, CancellationToken cancellationToken)
    {
        var key = ContentHash.Sha256(CodeVersion + "\n" + labelling + "\n" + JsonSerializer.Serialize(pairs));
        var folder = Path.Combine(artifactsRoot, "preference-data", key[..16]);
        if (File.Exists(Path.Combine(folder, ManifestFile))) return ArtifactHandle.ForFolder(ArtifactKind.PreferenceData, folder, CodeVersion);

        var rows = await LabelAsync(pairs, service, cancellationToken);
        var temporary = folder + ".partial-" + Environment.ProcessId;
        Write(temporary, rows, labelling);
        try
        {
            Directory.Move(temporary, folder); // atomic publish: readers never see a half-written folder
        }
        catch (IOException) when (File.Exists(Path.Combine(folder, ManifestFile)))
        {
            Directory.Delete(temporary, recursive: true); // another process published the same data first
        }
        return ArtifactHandle.ForFolder(ArtifactKind.PreferenceData, folder, CodeVersion);
    }

    /// <summary>Labels every pair through <paramref name="service"/>; a pair no annotator could label fails the whole call.</summary>
    public static async Task<IReadOnlyList<LabelledPair>> LabelAsync(
        IReadOnlyList<PreferenceQuery> pairs, IPreferenceService service, CancellationToken cancellationToken)
    {
        var labels = await service.AnnotateAsync(pairs, cancellationToken);
        var failed = labels.Count(label => double.IsNaN(label.Preference));
        if (failed > 0) throw new InvalidOperationException($"{failed} of {pairs.Count} pairs could not be labelled; run again to retry them");
        return pairs.Select((pair, i) => new LabelledPair(pair.Instruction, pair.Output1, pair.Output2, labels[i].Preference, labels[i].AnnotatorId,
            labels[i].Price, labels[i].TimeSeconds)).ToList();
    }

    /// <summary>Writes labelled pairs as a preference-data folder (pairs.jsonl + manifest.json).</summary>
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
        if (handle.Kind != ArtifactKind.PreferenceData) throw new ArgumentException($"expected preference data, got {handle.Kind}", nameof(handle));
        if (!handle.IsIntact()) throw new InvalidDataException($"preference data at {handle.Path} changed since it was written");
        return File.ReadLines(Path.Combine(handle.Path, PairsFile)).Select(line => JsonSerializer.Deserialize<LabelledPair>(line, Json)!).ToList();
    }
}
