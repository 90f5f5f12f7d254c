using System.Collections.Concurrent;
using AlpacaFarm.Modeling.Generation;
using AlpacaFarm.Modeling.Runtime;
using AlpacaFarm.Modeling.Tokenization;
using TorchSharp;

namespace AlpacaFarm.Tests.Modeling;

/// <summary>
/// Inference batches run side by side, one lane per intra-op thread, each lane at one thread: every batch once, on lanes
/// that really run together, the caller's thread count given back, a failure rethrown; and what the sampler returns is
/// what one thread gives batch by batch.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class InferenceLanesTests : IDisposable
{
    private readonly int _threads = torch.get_num_threads();

    public void Dispose() => torch.set_num_threads(_threads);

    [Fact]
    public void Two_threads_run_every_batch_once_on_two_lanes_at_one_thread_each_and_the_count_comes_back()
    {
        torch.set_num_threads(2);
        var seen = new ConcurrentDictionary<int, (int Thread, int IntraOp)>();
        var counts = new int[9];
        // Both lanes must hold a batch at the same time to pass: one lane alone would wait out the barrier.
        using var together = new Barrier(2);
        var met = new ConcurrentBag<bool>();

        InferenceLanes.Run(counts.Length, torch.CPU, batch =>
        {
            Interlocked.Increment(ref counts[batch]);
            seen[batch] = (Environment.CurrentManagedThreadId, torch.get_num_threads());
            if (batch < 2) met.Add(together.SignalAndWait(TimeSpan.FromMinutes(1)));
        });

        Assert.All(counts, count => Assert.Equal(1, count));
        Assert.Equal([true, true], met);
        Assert.Equal(2, seen.Values.Select(v => v.Thread).Distinct().Count());
        Assert.DoesNotContain(Environment.CurrentManagedThreadId, seen.Values.Select(v => v.Thread));
        Assert.All(seen.Values, v => Assert.Equal(1, v.IntraOp));
        Assert.Equal(2, torch.get_num_threads());
    }

    [Fact]
    public void One_batch_one_thread_or_a_cap_of_one_lane_runs_on_the_callers_thread()
    {
        var caller = Environment.CurrentManagedThreadId;
        var threads = new ConcurrentBag<int>();
        torch.set_num_threads(2);
        InferenceLanes.Run(1, torch.CPU, _ => threads.Add(Environment.CurrentManagedThreadId));
        torch.set_num_threads(1);
        InferenceLanes.Run(3, torch.CPU, _ => threads.Add(Environment.CurrentManagedThreadId));
        torch.set_num_threads(2);
        Environment.SetEnvironmentVariable(InferenceLanes.Variable, "1");
        try
        {
            InferenceLanes.Run(3, torch.CPU, _ => threads.Add(Environment.CurrentManagedThreadId));
            Environment.SetEnvironmentVariable(InferenceLanes.Variable, "none");
            var refused = Assert.Throws<InvalidOperationException>(() => InferenceLanes.Run(3, torch.CPU, _ => { }));
            Assert.Equal("ALPACAFARM_INFERENCE_LANES must be a whole number of lanes, at least 1 (got 'none')", refused.Message);
        }
        finally
        {
            Environment.SetEnvironmentVariable(InferenceLanes.Variable, null);
        }

        Assert.Equal(7, threads.Count);
        Assert.All(threads, thread => Assert.Equal(caller, thread));
    }

    [Fact]
    public void A_batch_that_throws_stops_the_lanes_and_its_exception_reaches_the_caller_with_the_count_given_back()
    {
        torch.set_num_threads(2);
        var started = 0;
        Thread? failing = null;
        using var failingKnown = new ManualResetEventSlim();

        // Batch 0 holds its lane until batch 1's lane has thrown and ended, so the failure is recorded before that lane
        // asks for another batch: no batch may start after it, whatever the scheduler does.
        var thrown = Assert.Throws<InvalidDataException>(() => InferenceLanes.Run(1000, torch.CPU, batch =>
        {
            Interlocked.Increment(ref started);
            if (batch == 1)
            {
                failing = Thread.CurrentThread;
                failingKnown.Set();
                throw new InvalidDataException("batch 1");
            }
            if (batch == 0)
            {
                Assert.True(failingKnown.Wait(TimeSpan.FromMinutes(1)), "batch 1 never started on the other lane");
                Assert.True(failing!.Join(TimeSpan.FromMinutes(1)), "the failing lane never ended");
            }
        }));

        Assert.Equal("batch 1", thrown.Message);
        Assert.Equal(2, started);
        Assert.Equal(2, torch.get_num_threads());
    }

    [Fact]
    public void The_sampler_on_lanes_returns_what_one_thread_returns_batch_by_batch()
    {
        var tokenizer = TinyWorld.Tokenizer();
        using var policy = TinyWorld.Model(tokenizer, seed: 5);
        var instructions = Enumerable.Range(0, 30).Select(i => TinyWorld.Examples[i % 4].Instruction + string.Concat(Enumerable.Repeat(" " + TinyWorld.FillerWords[i % 12], i % 5))).ToArray();
        var prompts = instructions.Select(i => (IReadOnlyList<int>)PromptFormat.Prompt(tokenizer, i)).ToArray();
        var keys = instructions.Select((_, i) => $"draw {i}").ToArray();
        var options = new SamplingOptions(Temperature: 1.0, TopP: 0.9, MaxNewTokens: 12, Seed: 4, BatchSize: 4);

        int[][] Samples(int threads)
        {
            torch.set_num_threads(threads);
            return [.. new Sampler(policy, tokenizer).Generate(prompts, keys, options)];
        }

        var lanes = Samples(2);
        var single = Samples(1);

        Assert.Equal(single, lanes);
        Assert.Contains(lanes, sample => sample.Length > 1);
        Assert.Equal(1, torch.get_num_threads());
    }
}
