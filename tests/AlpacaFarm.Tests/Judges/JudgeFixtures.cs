using AlpacaFarm.Evaluation.Annotators;
using AlpacaFarm.Judges;
using AlpacaFarm.Judges.Clients;
using AlpacaFarm.Judges.Configuration;
using AlpacaFarm.Testing;

namespace AlpacaFarm.Tests.Judges;

/// <summary>Judges wired to a loopback server, with millisecond timeouts and back-off.</summary>
public static class JudgeFixtures
{
    public const string KeyVariable = "ALPACAFARM_TEST_JUDGE_KEY";
    public const string Key = "sk-loopback-secret-1234";

    // The default timeout is far above a loopback answer even on a loaded machine: tests that count requests must not see a
    // slow answer retried. Tests of hangs set a short one themselves.
    public static JudgeConfig Config(LoopbackChatServer server, string family = "pairwise", int batch = 1, string kind = "openai-compatible",
        double timeoutSeconds = 120, int retries = 8, int examples = 2) => new(
        Id: $"{family}-{batch}",
        Endpoint: new EndpointConfig(kind, kind == "azure" ? server.AzureEndpoint : server.OpenAiBaseUrl, KeyVariable),
        Model: kind == "azure" ? "my-deployment" : "loopback-model",
        Temperature: 1.0,
        MaxTokens: 50,
        BatchSize: batch,
        PromptFamily: family,
        Persona: null,
        Parser: family switch { "pairwise-json" => "json", "logprob" => "logprob", _ => "regex" },
        InContextExamples: examples,
        PricePerMillionInputTokens: 1,
        PricePerMillionOutputTokens: 2,
        TimeoutSeconds: timeoutSeconds,
        MaxRetries: retries,
        MaxConcurrency: 4,
        RetryBaseSeconds: 0.001);

    /// <summary>Writes a pool file of <paramref name="members"/> as a user would (camelCase JSON, named "loopback"); returns the path.</summary>
    public static string WritePool(string path, params JudgeConfig[] members)
    {
        File.WriteAllText(path, System.Text.Json.JsonSerializer.Serialize(new { name = "loopback", members },
            new System.Text.Json.JsonSerializerOptions { PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.CamelCase }));
        return path;
    }

    public static LlmJudge Judge(JudgeConfig config) =>
        new(config, ChatClientFactory.Create(config, name => name == KeyVariable ? Key : null));

    /// <summary>Pairs whose longer output alternates between first and second.</summary>
    public static List<PairToJudge> Pairs(int count) => Enumerable.Range(0, count).Select(i => i % 2 == 0
        ? new PairToJudge($"Question {i}?", $"A long and detailed answer number {i}.", "Short.")
        : new PairToJudge($"Question {i}?", "Short.", $"A long and detailed answer number {i}.")).ToList();

    /// <summary>What the server's "longer wins" rule says for <see cref="Pairs"/>.</summary>
    public static double Expected(int index) => index % 2 == 0 ? 1 : 2;
}
