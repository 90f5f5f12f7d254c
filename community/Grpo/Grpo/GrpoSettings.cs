using AlpacaFarm.Abstractions.Methods;

namespace Grpo;

/// <summary>GRPO's hyperparameters, read once from the merged table (already checked against the typed table).</summary>
public sealed record GrpoSettings(
    int TotalSteps, int PromptsPerStep, int GroupSize, GrpoVariant Variant, int Iterations, int MicroBatchSize, double LearningRate,
    int WarmupSteps, double KlCoefficient, double ClipRange, double Temperature, int MaxNewTokens, int SaveEvery)
{
    public static GrpoSettings From(IReadOnlyDictionary<string, string> values) => new(
        values.GetInt("total_steps"), values.GetInt("prompts_per_step"), values.GetInt("group_size"),
        values["variant"] == "dr-grpo" ? GrpoVariant.DrGrpo : GrpoVariant.Grpo, values.GetInt("iterations"), values.GetInt("micro_batch_size"),
        values.GetDouble("learning_rate"), values.GetInt("warmup_steps"), values.GetDouble("kl_coef"), values.GetDouble("clip_range"),
        values.GetDouble("temperature"), values.GetInt("max_new_tokens"), values.GetInt("save_every"));
}

/// <summary>Which normalisations GRPO applies (<c>variant</c>).</summary>
public enum GrpoVariant
{
    /// <summary>Advantages divided by the group's std; each response's token losses averaged before the mean over responses.</summary>
    Grpo,

    /// <summary>Dr. GRPO: advantages only centred; token losses summed and divided by a constant (max_new_tokens × rollouts).</summary>
    DrGrpo,
}
