using System.Collections.Concurrent;

namespace AlpacaFarm.Evaluation.Annotators.Offline;

/// <summary>
/// Feature vectors computed once per (instruction, output) and shared by the members of one pool, so that thirteen
/// judges (or one judge asked a pair in both orders) pay for the features once. Lives as long as the pool.
/// </summary>
public sealed class TextFeatureCache
{
    private readonly ConcurrentDictionary<string, TextFeatures.InstructionFeatures> _instructions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Instruction, string Output), double[]> _outputs = new();

    public TextFeatures.InstructionFeatures Instruction(string instruction) =>
        _instructions.GetOrAdd(instruction, TextFeatures.ForInstruction);

    public double[] Output(string instruction, string output) =>
        _outputs.GetOrAdd((instruction, output), key => TextFeatures.Compute(Instruction(key.Instruction), key.Output));
}
