namespace AlpacaFarm.Evaluation.Sets;

/// <summary>
/// An evaluation set made from its items: the hashes that place its rows on a board are computed here, from the items,
/// once for every kind of set (a reference file, the farm's eval-805, its validation split).
/// </summary>
public abstract class EvaluationSet : IEvaluationSet
{
    /// <param name="id">Set family, part of a board's identity.</param>
    /// <param name="name">Where it came from, for people.</param>
    /// <param name="referenceGenerator">Who wrote the reference outputs.</param>
    protected EvaluationSet(string id, string name, string referenceGenerator, IReadOnlyList<EvaluationItem> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        Id = id;
        Name = name;
        ReferenceGenerator = referenceGenerator;
        Items = items;
        InstructionsSha256 = ContentHash.Instructions(items.Select(item => item.Instruction));
        ReferenceSha256 = ContentHash.Pairs(items.Select(item => (item.Instruction, item.ReferenceOutput)));
    }

    public string Id { get; }

    public string Name { get; }

    public string InstructionsSha256 { get; }

    public string ReferenceSha256 { get; }

    public string ReferenceGenerator { get; }

    public IReadOnlyList<EvaluationItem> Items { get; }
}
