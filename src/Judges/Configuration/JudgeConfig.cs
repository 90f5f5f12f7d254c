using System.Text.Json.Serialization;

namespace AlpacaFarm.Judges.Configuration;

/// <summary>Where a judge's model is served.</summary>
/// <param name="Kind">"openai" (api.openai.com), "azure" (Azure OpenAI: Url is the resource endpoint, Model the deployment) or
/// "openai-compatible" (vLLM, Ollama, llama.cpp server: Url is the base URL ending in /v1).</param>
/// <param name="ApiKeyVariable">NAME of the environment variable holding the key — keys never live in files; null for keyless local servers.</param>
public sealed record EndpointConfig(string Kind, string? Url, string? ApiKeyVariable);

/// <summary>One LLM judge of a pool configuration file.</summary>
/// <param name="PromptFamily">pairwise, pairwise-json or logprob (see <see cref="Prompts.PromptFamilies"/>).</param>
/// <param name="Persona">Optional reading habit added to the instructions: detail or concise.</param>
/// <param name="Parser">regex, json or logprob; must suit the prompt family.</param>
/// <param name="BatchSize">Pairs per request (logprob judges take one).</param>
/// <param name="InContextExamples">Worked examples shown before the pairs (0–6).</param>
/// <param name="PricePerMillionInputTokens">Dollars, for the cost recorded with every annotation.</param>
/// <param name="TimeoutSeconds">Per request; a slower answer counts as a failure and is retried.</param>
/// <param name="MaxRetries">Retries on 429, 5xx, timeouts and malformed or unparseable answers; 0 asks once.</param>
/// <param name="MaxConcurrency">Requests in flight at once for this judge.</param>
/// <param name="RetryBaseSeconds">First back-off delay; it doubles per retry, with jitter, unless the server says Retry-After.</param>
/// <param name="MaxRetryAfterSeconds">The longest Retry-After the judge waits; a server asking for longer fails the pair at once
/// (it is retried by the next run), so that one answer such as "Retry-After: 3600" cannot stall an evaluation for an hour.</param>
public sealed record JudgeConfig(
    string Id,
    EndpointConfig Endpoint,
    string Model,
    double Temperature,
    int MaxTokens,
    int BatchSize,
    string PromptFamily,
    string? Persona,
    string Parser,
    int InContextExamples,
    double PricePerMillionInputTokens,
    double PricePerMillionOutputTokens,
    double TimeoutSeconds = 60,
    int MaxRetries = 6,
    int MaxConcurrency = 4,
    double RetryBaseSeconds = 1,
    double MaxRetryAfterSeconds = 60)
{
    /// <summary>What shapes the verdicts (not keys, timeouts or concurrency): the basis of the cache's configuration hash.</summary>
    [JsonIgnore]
    public object VerdictShapingFields => new
    {
        Endpoint.Kind, Endpoint.Url, Model, Temperature, MaxTokens, BatchSize, PromptFamily, Persona, Parser, InContextExamples,
        Prompts.PromptBuilder.Version,
    };
}

/// <summary>A pool configuration file: a name and its judges.</summary>
public sealed record JudgePoolConfig(string Name, IReadOnlyList<JudgeConfig> Members);
