using AlpacaFarm.Abstractions.Artifacts;
using AlpacaFarm.Abstractions.Compute;
using AlpacaFarm.Abstractions.Methods;
using AlpacaFarm.Abstractions.Policies;
using AlpacaFarm.Abstractions.Preferences;
using AlpacaFarm.Abstractions.Reporting;

namespace AlpacaFarm.Tests;

/// <summary>Sample values of every contract type, for round-trip tests and for running test plugins.</summary>
public static class ContractSamples
{
    public static DecodingOptions Decoding => DecodingOptions.Evaluation(seed: 5);

    public static MethodRunSpec Spec(IReadOnlyDictionary<string, string>? hyperparameters = null) => new(
        RunId: "run-1",
        SftPolicy: new ArtifactHandle(ArtifactKind.Policy, "/tmp/sft", new string('a', 64), "modeling/1"),
        RewardModel: new ArtifactHandle(ArtifactKind.RewardModel, "/tmp/rm", new string('b', 64), "modeling/1"),
        PreferenceData: new ArtifactHandle(ArtifactKind.PreferenceData, "/tmp/pairs", new string('c', 64), "preferences/1"),
        Splits: new DataSplits(["Name a fruit."], ["List two animals.", "Sort 3 1 2."], ["Describe a lion."]),
        Compute: new ComputeResources("cpu", 2, 8L << 30),
        Hyperparameters: hyperparameters ?? new Dictionary<string, string> { ["beta"] = "0.1", ["epochs"] = "2" },
        Seed: 42,
        WorkDirectory: "/tmp/work",
        CacheDirectory: "/tmp/cache/run-method");

    public static MethodContext Context(IReadOnlyDictionary<string, string>? hyperparameters = null) =>
        new(Spec(hyperparameters), new NoPreferences(), new IgnoringReporter());

    /// <summary>One sample per type that a contract service takes or returns.</summary>
    public static IReadOnlyDictionary<Type, object> ServiceValues { get; } = new Dictionary<Type, object>
    {
        [typeof(PreferenceQuery)] = new PreferenceQuery("Name a fruit.", "apple", "pear"),
        [typeof(PreferenceLabel)] = new PreferenceLabel(1.75, "farm-annotator-3", 0.0012, 0.4),
        [typeof(PreferenceBudget)] = new PreferenceBudget(1000, 10, 0.5),
        [typeof(GenerationRequest)] = new GenerationRequest(["Name a fruit."], Decoding),
        [typeof(GenerationResult)] = new GenerationResult(["apple"]),
        [typeof(MethodProgress)] = new MethodProgress("train", 3, 10, new Dictionary<string, double> { ["loss"] = 0.5 }),
        [typeof(ArtifactHandle)] = new ArtifactHandle(ArtifactKind.Policy, "/tmp/p", new string('d', 64), "x/1"),
        [typeof(MethodArtifact)] = new MethodArtifact(new ArtifactHandle(ArtifactKind.Policy, "/tmp/p", new string('d', 64), "x/1"), 40, "policy at step 40"),
    };

    private sealed class NoPreferences : IPreferenceService
    {
        public Task<IReadOnlyList<PreferenceLabel>> AnnotateAsync(IReadOnlyList<PreferenceQuery> queries, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("no preferences in this test");

        public Task<PreferenceBudget> GetBudgetAsync(CancellationToken cancellationToken) => Task.FromResult(new PreferenceBudget(0, 0, 0));
    }

    private sealed class IgnoringReporter : IMethodReporter
    {
        public void Report(MethodProgress progress)
        {
        }

        public void Log(MethodLogLevel level, string message)
        {
        }

        public void ReportArtifact(MethodArtifact artifact)
        {
        }
    }
}
