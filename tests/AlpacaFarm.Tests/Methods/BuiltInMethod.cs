using AlpacaFarm.Abstractions.Artifacts;
using AlpacaFarm.Abstractions.Compute;
using AlpacaFarm.Abstractions.Methods;
using AlpacaFarm.Modeling.Policies;
using AlpacaFarm.Catalog;
using AlpacaFarm.Tests.Modeling;

namespace AlpacaFarm.Tests.Methods;

/// <summary>Runs a built-in method by hand, loaded through the catalog, on the tiny models with an unlabeled split and no labels.</summary>
internal static class BuiltInMethod
{
    /// <summary>
    /// The method's defaults merged with <paramref name="settings"/> and then <paramref name="overrides"/>, one thread, the
    /// SFT handle standing in for the pairs (these methods read none); the policy it returns and what it reported.
    /// </summary>
    public static Task<(TorchPolicy Policy, RecordingReporter Reporter)> RunAsync(string id, TinyModels models, IReadOnlyList<string> unlabeled,
        long seed, string work, string cache, IReadOnlyDictionary<string, string> settings, params (string Key, string Value)[] overrides) =>
        RunAsync(id, models, models.Sft, unlabeled, seed, work, cache, settings, overrides);

    /// <summary>The same, training in <paramref name="precision"/> (<see cref="ComputeResources.Precision"/>).</summary>
    public static Task<(TorchPolicy Policy, RecordingReporter Reporter)> RunInPrecisionAsync(string id, TinyModels models, IReadOnlyList<string> unlabeled,
        long seed, string work, string cache, IReadOnlyDictionary<string, string> settings, string precision, params (string Key, string Value)[] overrides) =>
        RunAsync(id, models, models.Sft, unlabeled, seed, work, cache, settings, overrides, precision);

    /// <summary>The same for a method that learns from the preference pairs in <paramref name="pairs"/> (and has no unlabeled split).</summary>
    public static Task<(TorchPolicy Policy, RecordingReporter Reporter)> RunOnPairsAsync(string id, TinyModels models, ArtifactHandle pairs,
        long seed, string work, string cache, IReadOnlyDictionary<string, string> settings, params (string Key, string Value)[] overrides) =>
        RunAsync(id, models, pairs, [], seed, work, cache, settings, overrides);

    private static async Task<(TorchPolicy Policy, RecordingReporter Reporter)> RunAsync(string id, TinyModels models, ArtifactHandle pairs,
        IReadOnlyList<string> unlabeled, long seed, string work, string cache, IReadOnlyDictionary<string, string> settings, (string Key, string Value)[] overrides,
        string precision = ComputeResources.Fp32)
    {
        var method = PluginCatalog.Load([]).CreateMethod(id);
        var merged = settings.ToDictionary();
        foreach (var (key, value) in overrides) merged[key] = value;
        var spec = new MethodRunSpec($"{id}-test", models.Sft, models.Reward, pairs, new DataSplits([], unlabeled, []),
            new ComputeResources("cpu", 1, 1L << 30) { Precision = precision }, method.Descriptor.Merge(merged), seed, work, cache);
        var reporter = new RecordingReporter();
        var policy = await method.RunAsync(new MethodContext(spec, new NoLabels(), reporter), CancellationToken.None);
        return (Assert.IsType<TorchPolicy>(policy), reporter);
    }
}
