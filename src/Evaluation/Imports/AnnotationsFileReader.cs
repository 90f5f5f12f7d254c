using System.Text.Json;
using AlpacaFarm.Evaluation.Outputs;

namespace AlpacaFarm.Evaluation.Imports;

/// <summary>Reads AlpacaEval annotations.json files (pairwise judgments) and refuses malformed ones in one line.</summary>
public static class AnnotationsFileReader
{
    private static readonly string[] RequiredStrings = ["instruction", "output_1", "generator_1", "output_2", "generator_2", "annotator"];

    public static IReadOnlyList<ImportedAnnotation> Read(string path)
    {
        var rows = AlpacaEvalJson.ReadRows(path);
        if (rows.Count == 0) throw new InputValidationException($"{path}: no rows");
        foreach (var field in RequiredStrings)
        {
            var bad = Enumerable.Range(0, rows.Count)
                .Where(i => !rows[i].TryGetProperty(field, out var value) || value.ValueKind != JsonValueKind.String).ToList();
            if (bad.Count > 0) throw new InputValidationException($"{path}: {AlpacaEvalJson.RowList(bad)}: missing or non-string field '{field}'");
        }
        var badPreference = Enumerable.Range(0, rows.Count).Where(i => !rows[i].TryGetProperty("preference", out var value)
            || value.ValueKind is not (JsonValueKind.Number or JsonValueKind.Null)).ToList();
        if (badPreference.Count > 0)
            throw new InputValidationException($"{path}: {AlpacaEvalJson.RowList(badPreference)}: 'preference' must be a number or null");

        var annotations = rows.Select(row => new ImportedAnnotation(
            row.GetProperty("instruction").GetString()!,
            row.GetProperty("output_1").GetString()!,
            row.GetProperty("generator_1").GetString()!,
            row.GetProperty("output_2").GetString()!,
            row.GetProperty("generator_2").GetString()!,
            row.TryGetProperty("dataset", out var dataset) && dataset.ValueKind == JsonValueKind.String ? dataset.GetString()! : "",
            row.GetProperty("annotator").GetString()!,
            row.GetProperty("preference").ValueKind == JsonValueKind.Number ? row.GetProperty("preference").GetDouble() : null,
            Number(row, "price_per_example"),
            Number(row, "time_per_example"))).ToList();

        var seen = new HashSet<string>(StringComparer.Ordinal);
        var duplicates = Enumerable.Range(0, annotations.Count).Where(i => !seen.Add(annotations[i].Instruction)).ToList();
        if (duplicates.Count > 0) throw new InputValidationException($"{path}: {AlpacaEvalJson.RowList(duplicates)}: duplicate instruction");
        var generators = annotations.Select(a => a.Generator2).Distinct(StringComparer.Ordinal).ToList();
        if (generators.Count > 1)
            throw new InputValidationException($"{path}: rows judge several models ({string.Join(", ", generators.Take(3))}); import one model per file");
        return annotations;
    }

    private static double Number(JsonElement row, string field) =>
        row.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetDouble() : 0;
}
