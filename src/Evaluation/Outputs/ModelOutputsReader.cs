using System.Text;
using System.Text.Json;
using AlpacaFarm.Evaluation.Sets;

namespace AlpacaFarm.Evaluation.Outputs;

/// <summary>Outputs aligned with an evaluation set: one entry per set item, null where the file has none.</summary>
/// <param name="Warnings">Tolerated problems (a few missing instructions), one line each.</param>
public sealed record AlignedOutputs(IReadOnlyList<ModelOutput?> ByItem, IReadOnlyList<string> Warnings)
{
    public int Missing => ByItem.Count(output => output is null);
}

/// <summary>
/// Reads AlpacaEval model_outputs.json files (instruction, output, generator, optional dataset and input) and
/// refuses bad ones with one line naming the file and the first offending rows, as AlpacaEval's submission CI does.
/// </summary>
public static class ModelOutputsReader
{
    /// <summary>Largest accepted output, in UTF-8 bytes.</summary>
    public const int MaxOutputBytes = 64 * 1024;

    /// <summary>AlpacaEval tolerates up to 5 missing instructions of 805, with a warning.</summary>
    public const int MaxMissing = 5;

    private static readonly string[] RequiredFields = ["instruction", "output", "generator"];

    /// <summary>Reads and checks a file on its own: fields, duplicates, empty and oversized outputs.</summary>
    public static IReadOnlyList<ModelOutput> Read(string path)
    {
        var rows = AlpacaEvalJson.ReadRows(path);
        if (rows.Count == 0) throw new InputValidationException($"{path}: no rows");
        var outputs = new List<ModelOutput>(rows.Count);
        foreach (var field in RequiredFields)
        {
            var bad = Enumerable.Range(0, rows.Count).Where(i => !HasString(rows[i], field)).ToList();
            if (bad.Count > 0) throw new InputValidationException($"{path}: {AlpacaEvalJson.RowList(bad)}: missing or non-string field '{field}'");
        }
        var badOptional = Enumerable.Range(0, rows.Count).Where(i => !OptionalIsString(rows[i], "input") || !OptionalIsString(rows[i], "dataset")).ToList();
        if (badOptional.Count > 0) throw new InputValidationException($"{path}: {AlpacaEvalJson.RowList(badOptional)}: 'input' and 'dataset' must be strings when present");

        foreach (var row in rows)
        {
            var instruction = row.GetProperty("instruction").GetString()!;
            var input = AlpacaEvalJson.OptionalString(row, "input");
            if (!string.IsNullOrEmpty(input)) instruction = instruction + "\n\n" + input; // AlpacaEval's merge
            outputs.Add(new ModelOutput(instruction, row.GetProperty("output").GetString()!, row.GetProperty("generator").GetString()!,
                AlpacaEvalJson.OptionalString(row, "dataset")));
        }

        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var duplicates = new List<int>();
        for (var i = 0; i < outputs.Count; i++)
        {
            if (!seen.TryAdd(outputs[i].Instruction, i)) duplicates.Add(i);
        }
        if (duplicates.Count > 0)
            throw new InputValidationException($"{path}: {AlpacaEvalJson.RowList(duplicates)}: duplicate instruction (first seen at row {seen[outputs[duplicates[0]].Instruction]})");
        Refuse(path, outputs, output => output.Output.Length == 0, "empty output");
        Refuse(path, outputs, output => string.IsNullOrWhiteSpace(output.Output), "output of white space only");
        Refuse(path, outputs, output => Encoding.UTF8.GetByteCount(output.Output) > MaxOutputBytes, $"output over {MaxOutputBytes / 1024} KiB");
        return outputs;
    }

    /// <summary>Reads a file and aligns it with <paramref name="set"/>: every instruction must be in the set, at most
    /// <see cref="MaxMissing"/> of the set's may be absent.</summary>
    public static AlignedOutputs ReadFor(string path, IEvaluationSet set)
    {
        var outputs = Read(path);
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < set.Items.Count; i++) index[set.Items[i].Instruction] = i;
        Refuse(path, outputs, output => !index.ContainsKey(output.Instruction), $"instruction not in the evaluation set {set.Name}");

        var byItem = new ModelOutput?[set.Items.Count];
        foreach (var output in outputs) byItem[index[output.Instruction]] = output;
        var missing = Enumerable.Range(0, byItem.Length).Where(i => byItem[i] is null).ToList();
        if (missing.Count > MaxMissing)
            throw new InputValidationException($"{path}: {missing.Count} of the {set.Items.Count} instructions of {set.Name} are missing (at most {MaxMissing} allowed; first at set {AlpacaEvalJson.RowList(missing)})");
        var warnings = missing.Count == 0
            ? []
            : new[] { $"{path}: {missing.Count} of the {set.Items.Count} instructions are missing (set {AlpacaEvalJson.RowList(missing)}); they are left out of the scores" };
        return new AlignedOutputs(byItem, warnings);
    }

    private static void Refuse(string path, IReadOnlyList<ModelOutput> outputs, Func<ModelOutput, bool> isBad, string what)
    {
        var bad = Enumerable.Range(0, outputs.Count).Where(i => isBad(outputs[i])).ToList();
        if (bad.Count > 0) throw new InputValidationException($"{path}: {AlpacaEvalJson.RowList(bad)}: {what}");
    }

    private static bool HasString(JsonElement row, string field) =>
        row.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.String;

    private static bool OptionalIsString(JsonElement row, string field) =>
        !row.TryGetProperty(field, out var value) || value.ValueKind is JsonValueKind.String or JsonValueKind.Null;
}
