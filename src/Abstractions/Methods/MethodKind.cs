namespace AlpacaFarm.Abstractions.Methods;

/// <summary>When a method spends its compute: training a new policy, or wrapping the SFT policy at inference.</summary>
public enum MethodKind
{
    TrainingTime,
    InferenceTime,
}
