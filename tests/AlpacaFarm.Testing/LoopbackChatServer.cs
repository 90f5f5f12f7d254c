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
/// wins — so a wrong mapping of order or parsing shows. It can add latency, inject faults at a given rate (up to a budget),
/// and hold every response until requests with given API keys have all arrived (a barrier between clients).
/// </summary>
public sealed partial class LoopbackChatServer : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly Lock _flight = new();
    private readonly Dictionary<string, int> _inFlight = new(StringComparer.Ordinal);
    private volatile TaskCompletionSource _hold = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private string[] _holdKeys = [];
    private int _requests;
    private int _faultsLeft;
    private int _hangsLeft;

    /// <param name="maxFaults">Faults injected at most; with <paramref name="faultRate"/> 1, exactly the first ones.</param>
    /// <param name="maxHangs">Hangs injected at most (each costs the client its whole timeout); a hang past it answers normally.</param>
    public LoopbackChatServer(double faultRate = 0, IReadOnlyList<ChatFault>? faults = null, TimeSpan? latency = null, long seed = 0,
        int maxFaults = int.MaxValue, int maxHangs = int.MaxValue)
    {
        FaultRate = faultRate;
        Faults = faults ?? [ChatFault.RateLimited, ChatFault.ServerError, ChatFault.Hang, ChatFault.MalformedJson, ChatFault.Unparseable, ChatFault.WrongCount];
        Latency = latency ?? TimeSpan.Zero;
        Seed = seed;
        _faultsLeft = maxFaults;
        _hangsLeft = maxHangs;
        _hold.SetResult(); // nothing held until HoldUntilKeysArrive
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

    public long Seed { get; }

    /// <summary>When set, a rate-limited answer carries this Retry-After header (seconds) instead of retry-after-ms: 5.</summary>
    public string? RetryAfter { get; set; }

    /// <summary>Instructions the server always answers with 500, to test final failures.</summary>
    public ConcurrentDictionary<string, bool> AlwaysFailFor { get; } = new();

    public ConcurrentQueue<ChatRequest> Requests { get; } = new();

    public ConcurrentQueue<ChatFault> Injected { get; } = new();

    /// <summary>
    /// Holds every response until a request with each of <paramref name="apiKeys"/> (bearer token or api-key header) has
    /// arrived, so those clients are in flight at once however their start-up is scheduled; then answers everything.
    /// </summary>
    public void HoldUntilKeysArrive(params string[] apiKeys)
    {
        lock (_flight)
        {
            _holdKeys = apiKeys;
            _hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    /// <summary>Completes when the hold is released.</summary>
    public Task Released => _hold.Task;

    /// <summary>The keys that had a request in flight when the hold was released by their arrival (null until then).</summary>
    public IReadOnlyList<string>? KeysInFlightAtRelease { get; private set; }

    /// <summary>Releases the hold without waiting for the keys (when a client died before asking).</summary>
    public void ReleaseHold() => _hold.TrySetResult();

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        // A loop between its check of _stop and its next accept when Stop runs meets a stopped listener (InvalidOperationException).
        try { await _loop; } catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or OperationCanceledException or InvalidOperationException) { }
        _listener.Close();
        _stop.Dispose();
    }

    private async Task AcceptLoop()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try { context = await _listener.GetContextAsync(); }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException) { return; }
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
            var json = JsonNode.Parse(body)!;
            var messages = json["messages"]!.AsArray();
            var system = messages.First(m => (string?)m!["role"] == "system")!["content"]!.ToString();
            var user = messages.Last(m => (string?)m!["role"] == "user")!["content"]!.ToString();
            var pairs = ReadPairs(user);
            var request = new ChatRequest(path, context.Request.Headers["Authorization"], context.Request.Headers["api-key"], body, user, system, pairs.Count);
            Requests.Enqueue(request);
            var key = request.ApiKey ?? request.Authorization?.Replace("Bearer ", "", StringComparison.Ordinal) ?? "";
            try
            {
                await Hold(key);
                await Answer(context, body, system, pairs);
            }
            finally
            {
                lock (_flight) _inFlight[key]--;
            }
        }
        catch (Exception e) when (e is OperationCanceledException or HttpListenerException or ObjectDisposedException)
        {
            // shutting down, or the client gave up on a hung request
        }
    }

    // Counts the request in flight and waits while the hold is on; the request that completes the set of keys releases it.
    private Task Hold(string key)
    {
        lock (_flight)
        {
            _inFlight[key] = _inFlight.GetValueOrDefault(key) + 1;
            if (!_hold.Task.IsCompleted && _holdKeys.All(k => _inFlight.GetValueOrDefault(k) > 0))
            {
                KeysInFlightAtRelease = [.. _inFlight.Where(entry => entry.Value > 0).Select(entry => entry.Key).Order(StringComparer.Ordinal)];
                _hold.TrySetResult();
            }
            return _hold.Task.WaitAsync(_stop.Token);
        }
    }

    private async Task Answer(HttpListenerContext context, string body, string system, IReadOnlyList<(string Instruction, string First, string Second)> pairs)
    {
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
                // Until the server stops: the client's timeout, however generous, is what ends the attempt.
                await Task.Delay(Timeout.Infinite, _stop.Token);
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

    private ChatFault ChooseFault(IReadOnlyList<(string Instruction, string First, string Second)> pairs)
    {
        if (pairs.Any(pair => AlwaysFailFor.ContainsKey(pair.Instruction))) return ChatFault.ServerError;
        var index = Interlocked.Increment(ref _requests);
        var rng = KeyedRandom.Create("loopback-fault", index.ToString(CultureInfo.InvariantCulture), Seed);
        if (rng.NextDouble() >= FaultRate) return ChatFault.None;
        var fault = rng.Choose(Faults);
        if (fault == ChatFault.Hang && Interlocked.Decrement(ref _hangsLeft) < 0) return ChatFault.None;
        return Interlocked.Decrement(ref _faultsLeft) >= 0 ? fault : ChatFault.None;
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
