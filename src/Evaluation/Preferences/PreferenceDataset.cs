using System.Text.Json;
using AlpacaFarm.Abstractions.Artifacts;
using AlpacaFarm.Abstractions.Preferences;
using AlpacaFarm.Evaluation.Sets;
using AlpacaFarm.Modeling.Data;

namespace AlpacaFarm.Evaluation.Preferences;

/// <summary>
/// Labels the shared preference data methods receive: pairs labelled once through the training service and kept as an
/// artifact folder in the SDK's format (<see cref="PreferencePairs"/>), reused whenever the same pairs and labelling are
/// asked for again.
/// </summary>
public static class PreferenceDataset
{
    /// <summary>
    /// The artifact for <paramref name="pairs"/> labelled by <paramref name="service"/>. <paramref name="labelling"/>
    /// names everything that shapes the labels (pool hash, seed, noise) and, with the pairs, keys the cache.
    /// A pair no annotator could label fails the build: the labels that succeeded are in the annotation cache,
    /// so a re-run asks only for the failed ones.
    /// </summary>
    public static async Task<ArtifactHandle> BuildOrReuseAsync(
        IReadOnlyList<PreferenceQuery> pairs, string labelling, IPreferenceService service, string artifactsRoot, CancellationToken cancellationToken)
    {
        var key = ContentHash.Sha256(PreferencePairs.CodeVersion + "\n" + labelling + "\n" + JsonSerializer.Serialize(pairs));
        var folder = Path.Combine(artifactsRoot, "preference-data", key[..16]);
        if (File.Exists(Path.Combine(folder, PreferencePairs.ManifestFile)))
            return ArtifactHandle.ForFolder(ArtifactKind.PreferenceData, folder, PreferencePairs.CodeVersion);

        var rows = await LabelAsync(pairs, service, cancellationToken);
        var temporary = folder + ".partial-" + Environment.ProcessId;
        PreferencePairs.Write(temporary, rows, labelling);
        try
        {
            Directory.Move(temporary, folder); // atomic publish: readers never see a half-written folder
        }
        catch (IOException) when (File.Exists(Path.Combine(folder, PreferencePairs.ManifestFile)))
        {
            Directory.Delete(temporary, recursive: true); // another process published the same data first
        }
        return ArtifactHandle.ForFolder(ArtifactKind.PreferenceData, folder, PreferencePairs.CodeVersion);
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
}
