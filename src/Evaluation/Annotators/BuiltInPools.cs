using AlpacaFarm.Evaluation.Annotators.Offline;

namespace AlpacaFarm.Evaluation.Annotators;

/// <summary>The annotator pools available by name to --annotators.</summary>
public static class BuiltInPools
{
    /// <summary>The pool used when none is named: the offline judges (<see cref="OfflinePool"/>).</summary>
    public const string Default = OfflinePool.Name;

    private static readonly Dictionary<string, Func<AnnotatorPool>> Pools = new(StringComparer.Ordinal)
    {
        ["longest"] = () => new AnnotatorPool("longest", [new LongestAnnotator()]),
        [OfflinePool.Name] = OfflinePool.Create,
    };

    public static IReadOnlyList<string> Names => [.. Pools.Keys.Order(StringComparer.Ordinal)];

    /// <summary>The pool of that name; an unknown name is an error listing the known ones.</summary>
    public static AnnotatorPool Get(string name) =>
        Pools.TryGetValue(name, out var create)
            ? create()
            : throw new ArgumentException($"unknown annotator pool '{name}' (known: {string.Join(", ", Names)})");

    /// <summary>What kind of annotator a member is ("offline", "rule", or "other") and who it stands in for.</summary>
    public static (string Kind, string Description) Describe(IPairAnnotator annotator) => annotator switch
    {
        OfflineJudge judge => ("offline", judge.Persona),
        LongestAnnotator => ("rule", "AlpacaEval's 'longest' baseline: the output with more code points wins; equal lengths draw."),
        _ => ("other", annotator.GetType().Name),
    };
}
