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
    public void The_validation_set_holds_the_distinct_instructions_of_the_validation_split()
    {
        var set = FarmValidationSet.Create(new FarmSplitSizes(Validation: 64));
        var split = FarmWorld.Generate(new FarmSplitSizes(Sft: 0, Preference: 0, Unlabeled: 0, Validation: 64, Eval: 0), FarmWorld.DefaultSeed).Validation;

        Assert.Equal(set.Items.Count, set.Items.Select(item => item.Instruction).Distinct().Count());
        Assert.Equal(FarmValidationSet.SetId, set.Id);
        Assert.All(set.Items, item => Assert.Equal(FarmReferences.For(item.Instruction), item.ReferenceOutput));
        Assert.Equal(split.Select(item => item.Instruction).Distinct(), set.Items.Select(item => item.Instruction));
    }
}
