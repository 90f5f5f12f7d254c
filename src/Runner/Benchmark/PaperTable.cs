using System.Text.Json;
using System.Text.Json.Serialization;

namespace AlpacaFarm.Runner.Benchmark;

/// <summary>One row of the AlpacaFarm paper's Table 2, with the farm method (and its overrides) it corresponds to.</summary>
/// <param name="Paper">The row's name in the paper.</param>
/// <param name="Method">The farm's method id; "sft" is the SFT baseline.</param>
/// <param name="Set">Hyperparameters that differ from the method's defaults in the farm row this paper row matches (none: its defaults).</param>
/// <param name="Simulated">Win rate (%) against Davinci003 by the simulated pool.</param>
/// <param name="Human">Win rate (%) by human annotators; null where the paper has none.</param>
public sealed record PaperRow(
    string Paper,
    string Method,
    IReadOnlyDictionary<string, string> Set,
    double Simulated,
    [property: JsonPropertyName("simulated_se")] double SimulatedSe,
    double? Human,
    [property: JsonPropertyName("human_se")] double? HumanSe);

/// <summary>The paper's Table 2, as the repository's one data file (Benchmark/Data/paper-table2.json) carries it, with its citation.</summary>
public sealed record PaperTable(string Source, IReadOnlyList<PaperRow> Rows)
{
    private const string ResourceName = "AlpacaFarm.Runner.paper-table2.json";

    /// <summary>The embedded table.</summary>
    public static PaperTable Load()
    {
        using var stream = typeof(PaperTable).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"embedded resource {ResourceName} is missing");
        return JsonSerializer.Deserialize<PaperTable>(stream, new JsonSerializerOptions(JsonSerializerDefaults.Web))
            ?? throw new InvalidOperationException($"{ResourceName} is empty");
    }

    /// <summary>The paper row of a farm row: its method id and the hyperparameters it sets apart from the defaults.</summary>
    public PaperRow? Find(string method, IReadOnlyDictionary<string, string> nonDefault) =>
        Rows.FirstOrDefault(row => row.Method == method && row.Set.Count == nonDefault.Count
            && row.Set.All(pair => nonDefault.TryGetValue(pair.Key, out var value) && value == pair.Value));

    /// <summary>Where a method id first appears in the table (for ordering the benchmark's rows); int.MaxValue when absent.</summary>
    public int Order(string method)
    {
        for (var i = 0; i < Rows.Count; i++)
            if (Rows[i].Method == method) return i;
        return int.MaxValue;
    }
}
