namespace AlpacaFarm.Abstractions.Artifacts;

/// <summary>What an artifact folder holds.</summary>
public enum ArtifactKind
{
    Policy,
    RewardModel,
    PreferenceData,

    /// <summary>Instructions with outputs to imitate (e.g. Expert Iteration's best-of-n selection).</summary>
    Demonstrations,
}
