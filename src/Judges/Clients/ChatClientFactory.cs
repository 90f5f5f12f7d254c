using System.ClientModel;
using System.ClientModel.Primitives;
using AlpacaFarm.Evaluation.Outputs;
using AlpacaFarm.Judges.Configuration;
using Azure.AI.OpenAI;
using OpenAI;
using OpenAI.Chat;

namespace AlpacaFarm.Judges.Clients;

/// <summary>
/// The one place that turns an endpoint configuration into a chat client: Azure.AI.OpenAI for Azure, the OpenAI
/// client for OpenAI and any OpenAI-compatible base URL. The clients' own retries are off: the judge's resilience
/// pipeline retries, so that Retry-After is honoured once and counted.
/// </summary>
public static class ChatClientFactory
{
    public static readonly IReadOnlyList<string> Kinds = ["openai", "azure", "openai-compatible"];

    public static ChatClient Create(JudgeConfig judge, Func<string, string?> environment)
    {
        var endpoint = judge.Endpoint;
        var key = endpoint.ApiKeyVariable is null
            ? "unused" // keyless local servers still need a non-empty credential
            : environment(endpoint.ApiKeyVariable) is { Length: > 0 } value
                ? value
                : throw new InputValidationException($"judge '{judge.Id}': environment variable {endpoint.ApiKeyVariable} is not set");
        var networkTimeout = TimeSpan.FromSeconds(judge.TimeoutSeconds + 5); // the pipeline's per-request timeout fires first
        return endpoint.Kind switch
        {
            "azure" => new AzureOpenAIClient(new Uri(endpoint.Url!), new ApiKeyCredential(key),
                    new AzureOpenAIClientOptions { NetworkTimeout = networkTimeout, RetryPolicy = new ClientRetryPolicy(0) })
                .GetChatClient(judge.Model),
            "openai" or "openai-compatible" => new ChatClient(judge.Model, new ApiKeyCredential(key), new OpenAIClientOptions
            {
                Endpoint = endpoint.Url is null ? null : new Uri(endpoint.Url),
                NetworkTimeout = networkTimeout,
                RetryPolicy = new ClientRetryPolicy(0),
            }),
            _ => throw new InputValidationException($"judge '{judge.Id}': unknown endpoint kind '{endpoint.Kind}' (known: {string.Join(", ", Kinds)})"),
        };
    }
}
