using AlpacaFarm.Abstractions.Artifacts;

namespace AlpacaFarm.Abstractions.Reporting;

/// <summary>Something a method produced on its way (a checkpoint at a step), recorded by the host for later evaluation.</summary>
/// <param name="Handle">The folder, inside the run's work directory.</param>
/// <param name="Step">The training step it was taken at.</param>
/// <param name="Label">What it is, e.g. "policy at step 40".</param>
public sealed record MethodArtifact(ArtifactHandle Handle, int Step, string Label);
