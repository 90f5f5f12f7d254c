using AlpacaFarm.Evaluation.Outputs;

namespace AlpacaFarm.Evaluation.Sets;

/// <summary>
/// An evaluation set defined by a reference file in AlpacaEval's model_outputs.json format: its instructions are
/// the set, its outputs the references (AlpacaEval 1: reference_text_davinci_003.json).
/// </summary>
public sealed class ReferenceFileSet : IEvaluationSet
{
    /// <summary>Set family of every AlpacaEval-format reference file.</summary>
    public const string SetId = "alpaca_eval";

    private ReferenceFileSet(string name, IReadOnlyList<EvaluationItem> items, string generator)
    {
        Name = name;
        Items = items;
        ReferenceGenerator = generator;
        InstructionsSha256 = ContentHash.Instructions(items.Select(item => item.Instruction));
        ReferenceSha256 = ContentHash.Pairs(items.Select(item => (item.Instruction, item.ReferenceOutput)));
    }

    public string Id => SetId;

    public string Name { get; }

    public string InstructionsSha256 { get; }

    public string ReferenceSha256 { get; }

    public string ReferenceGenerator { get; }

    public IReadOnlyList<EvaluationItem> Items { get; }

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
