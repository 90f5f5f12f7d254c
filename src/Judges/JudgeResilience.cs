using System.ClientModel;
using System.Globalization;
using AlpacaFarm.Judges.Configuration;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace AlpacaFarm.Judges;

/// <summary>An answer that did not parse: retried like a transient fault, since a sampled judge may answer well next time.</summary>
public sealed class UnparseableAnswerException(string answer) : Exception($"unparseable answer: {answer[..Math.Min(answer.Length, 80)]}");

/// <summary>
/// Retries with exponential back-off and jitter on 408, 429, 5xx, timeouts, network errors, malformed responses and
/// unparseable answers, honouring retry-after-ms and Retry-After up to the judge's cap; a per-request timeout inside
/// each attempt. Client errors such as 400 or 401 are final: retrying cannot fix them; so is a wait over the cap.
/// </summary>
public static class JudgeResilience
{
    public static ResiliencePipeline Create(JudgeConfig judge)
    {
        var builder = new ResiliencePipelineBuilder();
        if (judge.MaxRetries > 0) builder.AddRetry(Retry(judge)); // Polly's retry needs at least one attempt
        return builder.AddTimeout(TimeSpan.FromSeconds(judge.TimeoutSeconds)).Build();
    }

    private static RetryStrategyOptions Retry(JudgeConfig judge) => new()
    {
        ShouldHandle = args => ValueTask.FromResult(IsTransient(args.Outcome.Exception, args.Context.CancellationToken)
            && !(RetryAfter(args.Outcome.Exception) > TimeSpan.FromSeconds(judge.MaxRetryAfterSeconds))),
        MaxRetryAttempts = judge.MaxRetries,
        BackoffType = DelayBackoffType.Exponential,
        UseJitter = true,
        Delay = TimeSpan.FromSeconds(judge.RetryBaseSeconds),
        MaxDelay = TimeSpan.FromSeconds(Math.Max(30, judge.RetryBaseSeconds)),
        DelayGenerator = args => ValueTask.FromResult(RetryAfter(args.Outcome.Exception)),
    };

    private static bool IsTransient(Exception? exception, CancellationToken caller) => exception switch
    {
        null => false,
        ClientResultException { Status: 0 or 408 or 429 or >= 500 } => true,
        ClientResultException => false,
        OperationCanceledException when caller.IsCancellationRequested => false,
        TimeoutRejectedException or OperationCanceledException or HttpRequestException or UnparseableAnswerException => true,
        _ => true, // malformed JSON bodies and similar: the next attempt usually answers properly
    };

    /// <summary>The server's requested wait, when it sent one: retry-after-ms, else Retry-After (seconds or an HTTP date).</summary>
    private static TimeSpan? RetryAfter(Exception? exception)
    {
        if (exception is not ClientResultException failure || failure.GetRawResponse() is not { } response) return null;
        if (response.Headers.TryGetValue("retry-after-ms", out var ms) && double.TryParse(ms, NumberStyles.Float, CultureInfo.InvariantCulture, out var milliseconds))
            return TimeSpan.FromMilliseconds(milliseconds);
        if (!response.Headers.TryGetValue("Retry-After", out var after)) return null;
        if (double.TryParse(after, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)) return TimeSpan.FromSeconds(seconds);
        return DateTimeOffset.TryParse(after, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date)
            ? date - DateTimeOffset.UtcNow is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero
            : null;
    }
}
