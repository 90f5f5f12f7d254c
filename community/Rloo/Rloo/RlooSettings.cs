using AlpacaFarm.Abstractions.Methods;

namespace Rloo;

/// <summary>RLOO's hyperparameters, read once from the merged table (already checked against the typed table).</summary>
public sealed record RlooSettings(
    int TotalSteps, int PromptsPerStep, int K, int MicroBatchSize, double LearningRate, int WarmupSteps, double KlCoefficient,
    bool WhitenAdvantages, double Temperature, int MaxNewTokens, int SaveEvery)
{
    public static RlooSettings From(IReadOnlyDictionary<string, string> values) => new(
        values.GetInt("total_steps"), values.GetInt("prompts_per_step"), values.GetInt("k"), values.GetInt("micro_batch_size"),
        values.GetDouble("learning_rate"), values.GetInt("warmup_steps"), values.GetDouble("kl_coef"), values.GetBool("whiten_advantages"),
        values.GetDouble("temperature"), values.GetInt("max_new_tokens"), values.GetInt("save_every"));
}
