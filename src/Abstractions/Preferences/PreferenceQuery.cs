namespace AlpacaFarm.Abstractions.Preferences;

/// <summary>One pair to judge for an instruction.</summary>
public sealed record PreferenceQuery(string Instruction, string Output1, string Output2);
