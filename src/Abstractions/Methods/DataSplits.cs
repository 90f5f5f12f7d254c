namespace AlpacaFarm.Abstractions.Methods;

/// <summary>The training splits a method may use, as instructions only (labels would leak evaluation).</summary>
/// <param name="Preference">Instructions whose SFT sample pairs were labelled into the shared preference data.</param>
/// <param name="Unlabeled">Instructions for rollouts (PPO, Quark) and self-generated data (Expert Iteration).</param>
/// <param name="Validation">Instructions for in-training evaluation.</param>
public sealed record DataSplits(
    IReadOnlyList<string> Preference,
    IReadOnlyList<string> Unlabeled,
    IReadOnlyList<string> Validation);
