using AlpacaFarm.Simulation;

namespace AlpacaFarm.Tests.Simulation;

/// <summary>compare and the validation board rebuild references from the instruction: they must be eval-805's own.</summary>
public sealed class FarmReferencesTests
{
    [Fact]
    public void Every_eval_805_reference_is_the_reference_responders_answer_to_its_instruction()
    {
        var set = FarmEvalSet.Load();

        Assert.All(set.Items, item => Assert.Equal(item.ReferenceOutput, FarmReferences.For(item.Instruction)));
    }

    [Fact]
    public void The_validation_set_holds_distinct_validation_instructions_none_of_eval_805()
    {
        var set = FarmValidationSet.Create(new FarmSplitSizes(Validation: 64));
        var eval = FarmEvalSet.Load().Items.Select(item => item.Instruction).ToHashSet(StringComparer.Ordinal);

        Assert.InRange(set.Items.Count, 1, 64);
        Assert.Equal(set.Items.Count, set.Items.Select(item => item.Instruction).Distinct().Count());
        Assert.Equal(FarmValidationSet.SetId, set.Id);
        Assert.All(set.Items, item => Assert.Equal(FarmReferences.For(item.Instruction), item.ReferenceOutput));
        Assert.True(set.Items.Count(item => eval.Contains(item.Instruction)) < set.Items.Count / 4, "the validation split is not eval-805");
    }
}
