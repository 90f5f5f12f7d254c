using AlpacaFarm.Abstractions.Compute;
using AlpacaFarm.Runner.Configuration;

namespace AlpacaFarm.Tests.Runner;

/// <summary>The compute lease's slots: a run takes as many cores as it has threads (at most the machine's), or the one GPU.</summary>
public sealed class ComputeLeaseTests : IDisposable
{
    private readonly string _home = Directory.CreateTempSubdirectory("alpacafarm-lease-unit-").FullName;

    public void Dispose() => Directory.Delete(_home, recursive: true);

    private static ComputeResources Cpu(int threads) => new("cpu", threads, 1L << 30);

    // Built directly: this build has no CUDA device to resolve, and the lease only reads the name.
    private static ComputeResources Gpu => new("cuda:0", 8, 1L << 30);

    [Fact]
    public void Runs_take_their_threads_in_core_slots_and_wait_when_too_few_are_free()
    {
        var cores = Environment.ProcessorCount;
        Assert.Equal(Math.Min(3, cores), ComputeLease.Needed(Cpu(3)));
        Assert.Equal(cores, ComputeLease.Needed(Cpu(cores + 5)));
        Assert.Equal(1, ComputeLease.Needed(Gpu));

        using (var all = ComputeLease.TryAcquire(_home, Cpu(cores)))
        {
            Assert.Equal(cores, all!.Slots);
            Assert.Null(ComputeLease.TryAcquire(_home, Cpu(1)));
            // Another device's lease is its own.
            using var gpu = ComputeLease.TryAcquire(_home, Gpu);
            Assert.Equal(1, gpu!.Slots);
            Assert.Null(ComputeLease.TryAcquire(_home, Gpu));
        }
        using var again = ComputeLease.TryAcquire(_home, Cpu(1));
        Assert.Equal(1, again!.Slots);
    }

    [Fact]
    public void A_wait_says_once_what_it_waits_for_and_ends_when_cancelled()
    {
        using var held = ComputeLease.TryAcquire(_home, Cpu(Environment.ProcessorCount));
        using var cancel = new CancellationTokenSource();
        var told = 0;
        Assert.Throws<OperationCanceledException>(() => ComputeLease.Acquire(_home, Cpu(1), () =>
        {
            told++;
            cancel.Cancel();
        }, cancel.Token));
        Assert.Equal(1, told);
    }
}
