namespace AlpacaFarm.Evaluation.Annotators;

/// <summary>A pair as an annotator sees it: the outputs in the order shown.</summary>
public sealed record PairToJudge(string Instruction, string Output1, string Output2);

/// <summary>An annotator's answer for one pair: a preference in [1, 2] (1 = first shown), or null when it failed.</summary>
public sealed record Verdict(double? Preference, double Price, double TimeSeconds);
