using AlpacaFarm.Testing;
using static AlpacaFarm.Tests.Judges.JudgeFixtures;

namespace AlpacaFarm.Tests.Judges;

/// <summary>Limits on how long and how often a judge tries: a server must not be able to stall an evaluation.</summary>
public sealed class JudgeRetryLimitTests
{
    [Fact(Timeout = 60_000)]
    public async Task A_retry_after_over_the_cap_fails_the_pair_at_once_instead_of_waiting()
    {
        await using var server = new LoopbackChatServer(faultRate: 1, faults: [ChatFault.RateLimited]) { RetryAfter = "3600" };

        var verdicts = await Judge(Config(server) with { MaxRetryAfterSeconds = 60 }).JudgeAsync(Pairs(2), 0, CancellationToken.None);

        Assert.All(verdicts, verdict => Assert.Null(verdict.Preference));
        Assert.Equal(2, server.Requests.Count); // one request per pair, none retried
    }

    [Fact]
    public async Task A_retry_after_within_the_cap_is_honoured_and_retried()
    {
        // Exactly the first three answers are rate-limited: every pair is judged within its retries, whatever the arrival order.
        await using var server = new LoopbackChatServer(faultRate: 1, faults: [ChatFault.RateLimited], maxFaults: 3) { RetryAfter = "0" };

        var verdicts = await Judge(Config(server)).JudgeAsync(Pairs(6), 0, CancellationToken.None);

        Assert.Equal(Enumerable.Range(0, 6).Select(Expected), verdicts.Select(v => v.Preference!.Value));
        Assert.Equal(3, server.Injected.Count(fault => fault == ChatFault.RateLimited));
        Assert.Equal(9, server.Requests.Count);
    }

    [Fact]
    public async Task No_retries_asks_each_pair_once()
    {
        await using var server = new LoopbackChatServer();
        var pairs = Pairs(3);
        server.AlwaysFailFor[pairs[1].Instruction] = true;

        var verdicts = await Judge(Config(server, retries: 0)).JudgeAsync(pairs, 0, CancellationToken.None);

        Assert.Equal<double?>([1.0, null, 1.0], verdicts.Select(v => v.Preference));
        Assert.Equal(3, server.Requests.Count);
    }
}
