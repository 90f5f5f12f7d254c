using AlpacaFarm.Evaluation.Outputs;

namespace AlpacaFarm.Evaluation.Sets;

/// <summary>
/// An evaluation set defined by a reference file in AlpacaEval's model_outputs.json format: its instructions are
/// the set, its outputs the references (AlpacaEval 1: reference_text_davinci_003.json).
/// </summary>
public sealed class ReferenceFileSet : EvaluationSet
{
    /// <summary>Set family of every AlpacaEval-format reference file.</summary>
    public const string SetId = "alpaca_eval";

    private ReferenceFileSet(string name, IReadOnlyList<EvaluationItem> items, string generator) : base(SetId, name, generator, items)
    {
    }

    /// <summary>Loads and validates a reference file (the same checks as for submitted outputs).</summary>
    public static ReferenceFileSet Load(string path)
    {
        var rows = ModelOutputsReader.Read(path);
        return new ReferenceFileSet(
            Path.GetFileName(path),
            rows.Select(row => new EvaluationItem(row.Instruction, row.Output, row.Dataset ?? "")).ToList(),
            rows[0].Generator);
    }
}
