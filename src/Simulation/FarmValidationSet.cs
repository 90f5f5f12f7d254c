using AlpacaFarm.Evaluation.Sets;

namespace AlpacaFarm.Simulation;

/// <summary>
/// The farm's validation split as an evaluation set, against the reference responder's outputs: where methods choose
/// their defaults (`run --eval-split validation`), so that eval-805 is never tuned on. Its rows go to their own board.
/// Repeated instructions of the split are kept once.
/// </summary>
public sealed class FarmValidationSet : EvaluationSet
{
    /// <summary>Set family, part of a board's identity.</summary>
    public const string SetId = "farm-validation";

    private FarmValidationSet(IReadOnlyList<EvaluationItem> items, int size)
        : base(SetId, $"farm validation ({size} rows, {FarmWorld.CurrentWorld})", FarmResponders.ReferenceGenerator, items)
    {
    }

    /// <summary>The validation split of <paramref name="sizes"/> (the current world's seed), with reference outputs.</summary>
    public static FarmValidationSet Create(FarmSplitSizes sizes)
    {
        var split = FarmWorld.Generate(sizes with { Sft = 0, Preference = 0, Unlabeled = 0, Eval = 0 }, FarmWorld.SplitSeed).Validation;
        var items = split.DistinctBy(item => item.Instruction, StringComparer.Ordinal)
            .Select(item => new EvaluationItem(item.Instruction, FarmReferences.For(item.Instruction), item.Family))
            .ToList();
        return new FarmValidationSet(items, sizes.Validation);
    }
}
