namespace AlpacaFarm.Evaluation.Integrity;

/// <summary>
/// One machine check a row failed (<see cref="IntegrityChecks"/>): its id, what was found, in words, and whether the row is
/// listed apart from the ranked ones (a finding such as simulated-above-gold keeps its row ranked).
/// </summary>
public sealed record IntegrityFlag(string Id, string Detail, bool Unranks);
