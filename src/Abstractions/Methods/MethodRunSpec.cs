using AlpacaFarm.Abstractions.Artifacts;
using AlpacaFarm.Abstractions.Compute;

namespace AlpacaFarm.Abstractions.Methods;

/// <summary>
/// The data half of a <see cref="MethodContext"/>: everything serialisable, so a worker process can receive it.
/// Models travel as artifact handles, never as live tensors or modules; no evaluation references or gold data.
/// </summary>
/// <param name="RunId">Identifies this run in logs and provenance.</param>
/// <param name="SftPolicy">The supervised policy every method starts from.</param>
/// <param name="RewardModel">The shared proxy reward model (trained on <paramref name="PreferenceData"/>).</param>
/// <param name="PreferenceData">The shared labelled pairs: the training pool's labels on SFT samples of the preference split.</param>
/// <param name="Splits">Instructions of the training splits.</param>
/// <param name="Compute">Device, threads and memory the method may use.</param>
/// <param name="Hyperparameters">The method's defaults merged with the user's overrides.</param>
/// <param name="Seed">The run's seed: every random choice derives from it through KeyedRandom.</param>
/// <param name="WorkDirectory">A private folder the method may write to; artifacts it returns live here.</param>
/// <param name="CacheDirectory">
/// A folder every run of this method on this home shares (no other method's): for intermediates keyed by their own
/// inputs, so a run that differs only in later settings reuses them (Expert Iteration's best-of-n selection when only
/// the fine-tune changes). Write each under a key and publish it atomically (the SDK's ArtifactCache does both).
/// </param>
public sealed record MethodRunSpec(
    string RunId,
    ArtifactHandle SftPolicy,
    ArtifactHandle RewardModel,
    ArtifactHandle PreferenceData,
    DataSplits Splits,
    ComputeResources Compute,
    IReadOnlyDictionary<string, string> Hyperparameters,
    long Seed,
    string WorkDirectory,
    string CacheDirectory);
