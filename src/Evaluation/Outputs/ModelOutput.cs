namespace AlpacaFarm.Evaluation.Outputs;

/// <summary>One row of an AlpacaEval model_outputs.json (an optional "input" already merged into the instruction).</summary>
public sealed record ModelOutput(string Instruction, string Output, string Generator, string? Dataset);
