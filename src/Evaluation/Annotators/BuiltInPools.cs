namespace AlpacaFarm.Evaluation.Annotators;

/// <summary>The annotator pools available by name to --annotators.</summary>
public static class BuiltInPools
{
    private static readonly Dictionary<string, Func<AnnotatorPool>> Pools = new(StringComparer.Ordinal)
    {
        ["longest"] = () => new AnnotatorPool("longest", [new LongestAnnotator()]),
    };

    public static IReadOnlyList<string> Names => [.. Pools.Keys.Order(StringComparer.Ordinal)];

    /// <summary>The pool of that name; an unknown name is an error listing the known ones.</summary>
    public static AnnotatorPool Get(string name) =>
        Pools.TryGetValue(name, out var create)
            ? create()
            : throw new ArgumentException($"unknown annotator pool '{name}' (known: {string.Join(", ", Names)})");
}
