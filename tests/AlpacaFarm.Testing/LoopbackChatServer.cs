using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using AlpacaFarm.Abstractions.Randomness;

namespace AlpacaFarm.Testing;

/// <summary>One request the server received.</summary>
public sealed record ChatRequest(string Path, string? Authorization, string? ApiKey, string Body, string UserMessage, string SystemMessage, int Pairs);

/// <summary>
/// A real HTTP server on 127.0.0.1 that speaks OpenAI chat completions (at /v1/chat/completions and at Azure's
/// /openai/deployments/{name}/chat/completions). Its verdicts depend on the pairs' content — the longer response
/// wins — so a wrong mapping of order or parsing shows. It can add latency and inject faults at a given rate.
/// </summary>
public sealed partial class LoopbackChatServer : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _requests;

    public LoopbackChatServer(double faultRate = 0, IReadOnlyList<ChatFault>? faults = null, TimeSpan? latency = null, TimeSpan? hang = null, long seed = 0)
    {
        FaultRate = faultRate;
        Faults = faults ?? [ChatFault.RateLimited, ChatFault.ServerError, ChatFault.Hang, ChatFault.MalformedJson, ChatFault.Unparseable, ChatFault.WrongCount];
        Latency = latency ?? TimeSpan.Zero;
        HangTime = hang ?? TimeSpan.FromSeconds(2);
        Seed = seed;
        Port = FreePort();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _loop = Task.Run(AcceptLoop);
    }

    public int Port { get; }

    /// <summary>Base URL for OpenAI-compatible clients.</summary>
    public string OpenAiBaseUrl => $"http://127.0.0.1:{Port}/v1";

    /// <summary>Resource endpoint for Azure OpenAI clients.</summary>
    public string AzureEndpoint => $"http://127.0.0.1:{Port}/";

    public double FaultRate { get; set; }

    public IReadOnlyList<ChatFault> Faults { get; set; }

    public TimeSpan Latency { get; set; }

    public TimeSpan HangTime { get; set; }

    public long Seed { get; }

    /// <summary>When set, a rate-limited answer carries this Retry-After header (seconds) instead of retry-after-ms: 5.</summary>
    public string? RetryAfter { get; set; }

    /// <summary>Instructions the server always answers with 500, to test final failures.</summary>
    public ConcurrentDictionary<string, bool> AlwaysFailFor { get; } = new();

    public ConcurrentQueue<ChatRequest> Requests { get; } = new();

    public ConcurrentQueue<ChatFault> Injected { get; } = new();

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try { await _loop; } catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or OperationCanceledException) { }
        _listener.Close();
        _stop.Dispose();
    }

    private async Task AcceptLoop()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try { context = await _listener.GetContextAsync(); }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException) { return; }
            _ = Task.Run(() => Handle(context));
        }
    }

    private async Task Handle(HttpListenerContext context)
    {
        try
        {
            using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
            var body = await reader.ReadToEndAsync();
            var path = context.Request.Url!.AbsolutePath;
            if (!path.EndsWith("/chat/completions", StringComparison.Ordinal))
            {
                await Respond(context, 404, "{\"error\":{\"message\":\"not found\"}}");
                return;
            }
            var request = JsonNode.Parse(body)!;
            var messages = request["messages"]!.AsArray();
            var system = messages.First(m => (string?)m!["role"] == "system")!["content"]!.ToString();
            var user = messages.Last(m => (string?)m!["role"] == "user")!["content"]!.ToString();
            var pairs = ReadPairs(user);
            Requests.Enqueue(new ChatRequest(path, context.Request.Headers["Authorization"], context.Request.Headers["api-key"], body, user, system, pairs.Count));
            if (Latency > TimeSpan.Zero) await Task.Delay(Latency, _stop.Token);

            var fault = ChooseFault(pairs);
            Injected.Enqueue(fault);
            switch (fault)
            {
                case ChatFault.RateLimited:
                    if (RetryAfter is null) context.Response.Headers["retry-after-ms"] = "5";
                    else context.Response.Headers["Retry-After"] = RetryAfter;
                    await Respond(context, 429, "{\"error\":{\"message\":\"rate limited\"}}");
                    return;
                case ChatFault.ServerError:
                    await Respond(context, 500, "{\"error\":{\"message\":\"boom\"}}");
                    return;
                case ChatFault.Hang:
                    await Task.Delay(HangTime, _stop.Token);
                    await Respond(context, 500, "{\"error\":{\"message\":\"too late\"}}");
                    return;
                case ChatFault.MalformedJson:
                    await Respond(context, 200, "{\"id\": \"x\", \"choices\": [ {");
                    return;
            }

            var logprobFamily = system.Contains("single letter", StringComparison.Ordinal);
            var jsonFamily = system.Contains("JSON array", StringComparison.Ordinal);
            var firstBetter = pairs.Select(pair => pair.First.Length >= pair.Second.Length).ToList();
            if (fault == ChatFault.WrongCount && firstBetter.Count > 1) firstBetter = firstBetter.Take(1).ToList();
            var text = fault == ChatFault.Unparseable ? "Both responses have merit."
                : logprobFamily ? (firstBetter[0] ? "m" : "M")
                : jsonFamily ? "[" + string.Join(", ", firstBetter.Select((f, i) => $"{{\"pair\": {i + 1}, \"better\": \"{(f ? "A" : "B")}\"}}")) + "]"
                : string.Join("\n", firstBetter.Select((f, i) => $"Pair {i + 1}: {(f ? "A" : "B")}"));
            await Respond(context, 200, Completion(text, logprobFamily && fault == ChatFault.None ? firstBetter[0] : null, body.Length / 4));
        }
        catch (Exception e) when (e is OperationCanceledException or HttpListenerException or ObjectDisposedException)
        {
            // shutting down, or the client gave up on a hung request
        }
    }

    private ChatFault ChooseFault(IReadOnlyList<(string Instruction, string First, string Second)> pairs)
    {
        if (pairs.Any(pair => AlwaysFailFor.ContainsKey(pair.Instruction))) return ChatFault.ServerError;
        var index = Interlocked.Increment(ref _requests);
        var rng = KeyedRandom.Create("loopback-fault", index.ToString(CultureInfo.InvariantCulture), Seed);
        return rng.NextDouble() < FaultRate ? rng.Choose(Faults) : ChatFault.None;
    }

    // The longer response is likelier: P(first) = 0.8 when the first is longer, else 0.2.
    private static string Completion(string text, bool? logprobFirst, int promptTokens)
    {
        var message = new JsonObject { ["role"] = "assistant", ["content"] = text };
        var choice = new JsonObject { ["index"] = 0, ["message"] = message, ["finish_reason"] = "stop" };
        if (logprobFirst is { } first)
        {
            double pm = first ? 0.8 : 0.2;
            JsonObject Top(string token, double p) => new() { ["token"] = token, ["logprob"] = Math.Log(p), ["bytes"] = null };
            choice["logprobs"] = new JsonObject
            {
                ["content"] = new JsonArray(new JsonObject
                {
                    ["token"] = text, ["logprob"] = Math.Log(first ? pm : 1 - pm), ["bytes"] = null,
                    ["top_logprobs"] = new JsonArray(Top("m", pm), Top("M", 1 - pm)),
                }),
            };
        }
        return new JsonObject
        {
            ["id"] = "chatcmpl-loopback", ["object"] = "chat.completion", ["created"] = 0, ["model"] = "loopback",
            ["choices"] = new JsonArray(choice),
            ["usage"] = new JsonObject { ["prompt_tokens"] = promptTokens, ["completion_tokens"] = 4, ["total_tokens"] = promptTokens + 4 },
        }.ToJsonString();
    }

    private static List<(string Instruction, string First, string Second)> ReadPairs(string user) =>
        PairBlock().Matches(user).Select(match => (match.Groups[1].Value, match.Groups[3].Value, match.Groups[5].Value)).ToList();

    private static async Task Respond(HttpListenerContext context, int status, string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength64 = bytes.Length;
        await context.Response.OutputStream.WriteAsync(bytes);
        context.Response.Close();
    }

    private static int FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    [GeneratedRegex(@"\[\[INSTRUCTION\]\]\n(.*?)\n\[\[END INSTRUCTION\]\]\n\[\[RESPONSE (A|m)\]\]\n(.*?)\n\[\[END RESPONSE \2\]\]\n\[\[RESPONSE (B|M)\]\]\n(.*?)\n\[\[END RESPONSE \4\]\]", RegexOptions.Singleline)]
    private static partial Regex PairBlock();
}
