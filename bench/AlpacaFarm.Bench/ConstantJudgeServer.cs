using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AlpacaFarm.Bench;

/// <summary>
/// An OpenAI-compatible chat endpoint on 127.0.0.1 for the judge benchmark: after a fixed latency it answers every pairwise
/// prompt of one pair with "Pair 1: A". What is measured is the client's side (requests in flight, retries, cache), not
/// the verdicts.
/// </summary>
internal sealed class ConstantJudgeServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ConstantJudgeServer(WebApplication app, string baseUrl)
    {
        _app = app;
        OpenAiBaseUrl = baseUrl;
    }

    /// <summary>The base URL OpenAI clients take.</summary>
    public string OpenAiBaseUrl { get; }

    public static async Task<ConstantJudgeServer> StartAsync(TimeSpan latency)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders(); // the bench's table is the only output
        var app = builder.Build();
        app.MapPost("/v1/chat/completions", async (HttpContext context) =>
        {
            await Task.Delay(latency, context.RequestAborted);
            var completion = new JsonObject
            {
                ["id"] = "chatcmpl-bench", ["object"] = "chat.completion", ["created"] = 0, ["model"] = "bench",
                ["choices"] = new JsonArray(new JsonObject
                {
                    ["index"] = 0, ["finish_reason"] = "stop",
                    ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = "Pair 1: A" },
                }),
                ["usage"] = new JsonObject { ["prompt_tokens"] = 0, ["completion_tokens"] = 4, ["total_tokens"] = 4 },
            };
            return Results.Text(completion.ToJsonString(), "application/json");
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new ConstantJudgeServer(app, address.TrimEnd('/') + "/v1");
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
