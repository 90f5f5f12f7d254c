namespace AlpacaFarm.Abstractions.Reporting;

/// <summary>Where a method is: a stage ("rollout", "train"), a step out of a total, and metrics worth plotting.</summary>
public sealed record MethodProgress(string Stage, int Step, int TotalSteps, IReadOnlyDictionary<string, double> Metrics);
