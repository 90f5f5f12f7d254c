using AlpacaFarm.Abstractions.Preferences;
using AlpacaFarm.Modeling.Data;

namespace AlpacaFarm.Runner.Farm;

/// <summary>Labels the shared preference pairs through the training service, in the SDK's row format.</summary>
public static class PreferenceLabelling
{
    /// <summary>
    /// Labels every pair through <paramref name="service"/>; a pair no annotator could label fails the whole call. The labels
    /// that succeeded are in the annotation cache, so a second call asks only for the failed ones.
    /// </summary>
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
