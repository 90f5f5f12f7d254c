namespace AlpacaFarm.Abstractions.Artifacts;

/// <summary>What an artifact folder holds.</summary>
public enum ArtifactKind
{
    Policy,
    RewardModel,
    PreferenceData,
}
