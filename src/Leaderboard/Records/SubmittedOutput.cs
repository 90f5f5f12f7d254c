namespace AlpacaFarm.Leaderboard;

/// <summary>One row of a submission's outputs, in AlpacaEval's columns.</summary>
public sealed record SubmittedOutput(int Index, string Instruction, string Output, string Generator, string Dataset);
