namespace AlpacaFarm.Runner.Methods;

/// <summary>
/// Told as a run of one seed enters and leaves each stage: the shared models (<see cref="RunStage"/>), the SFT baseline's
/// scoring, then each method by its <see cref="PlannedMethod.Variant"/>. The benchmark's overall progress and stage times
/// come from here.
/// </summary>
public interface IRunStages
{
    void Begin(string stage);

    /// <summary>
    /// <paramref name="wall"/>: the stage's wall-clock time in this process, lookups and scoring included;
    /// <paramref name="reused"/>: found stored, not made (the wall is then only the lookup); <paramref name="succeeded"/>:
    /// false for a method run that failed, timed out or was refused (its wall says nothing of the stage's cost).
    /// </summary>
    void End(string stage, TimeSpan wall, bool reused, bool succeeded = true);
}

/// <summary>The names of a run's stages before its methods.</summary>
public static class RunStage
{
    public const string Sft = "sft";
    public const string Pairs = "pairs";
    public const string RewardModel = "reward-model";
    public const string Baseline = "baseline";

    /// <summary>Every stage of one seed, in order: the shared models, the baseline, then the methods.</summary>
    public static IReadOnlyList<string> All(MethodRunPlan plan) => [Sft, Pairs, RewardModel, Baseline, .. plan.Methods.Select(method => method.Variant)];
}
