namespace AlpacaFarm.Evaluation.Sets;

/// <summary>One instruction of an evaluation set with the reference output a model is compared against.</summary>
public sealed record EvaluationItem(string Instruction, string ReferenceOutput, string Dataset);
