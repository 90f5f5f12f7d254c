using AlpacaFarm.Catalog;

namespace AlpacaFarm.Runner.Benchmark;

/// <summary>One row the benchmark asks for: a method with overrides of its defaults (none for the method as shipped).</summary>
public sealed record BenchmarkEntry(string Method, IReadOnlyDictionary<string, string> Overrides);

/// <summary>
/// What <c>alpacafarm run</c> runs when no method is named: every loaded built-in method at its defaults, in the paper's
/// Table 2 order (methods the table lacks after, by id), each followed by the variants AlpacaFarm reports as rows of their own.
/// </summary>
public static class BenchmarkEntries
{
    private static readonly IReadOnlyDictionary<string, string> None = new Dictionary<string, string>();

    /// <summary>
    /// Quark's token mode beside its default top-bin mode: AlpacaFarm's code ships both (train_on_best_quantile), the
    /// original Quark is the token mode, and the paper's one Quark row is the shipped default.
    /// </summary>
    public static IReadOnlyList<BenchmarkEntry> Variants { get; } =
    [
        new("quark", new Dictionary<string, string> { ["mode"] = "tokens" }),
    ];

    /// <summary>The entries for the runnable built-in methods of <paramref name="catalog"/>.</summary>
    public static IReadOnlyList<BenchmarkEntry> All(PluginCatalog catalog, PaperTable paper)
    {
        var methods = catalog.Methods
            .Where(entry => entry.Plugin.BuiltIn && entry.Method.Status == PluginStatus.Loaded && entry.Method.Descriptor is { IsImplemented: true })
            .Select(entry => entry.Method.Descriptor!.Id)
            .Distinct(StringComparer.Ordinal)
            .OrderBy(paper.Order)
            .ThenBy(id => id, StringComparer.Ordinal);
        return [.. methods.SelectMany(id => Variants.Where(variant => variant.Method == id).Prepend(new BenchmarkEntry(id, None)))];
    }
}
