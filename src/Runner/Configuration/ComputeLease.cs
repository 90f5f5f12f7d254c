using System.Globalization;
using AlpacaFarm.Abstractions.Compute;
using AlpacaFarm.Modeling.Checkpoints;

namespace AlpacaFarm.Runner.Configuration;

/// <summary>
/// A device's share of the machine, leased per home so that runs started together do not oversubscribe it: the CPU has one
/// slot per core (<c>locks/compute-cpu-N.lock</c>) and a run takes as many as its threads (all of them at most); a GPU has one
/// slot. A lease takes all its slots at once or none, so two waiters never hold part of what the other needs. Slots are
/// <see cref="ExclusiveFileLock"/>s: a lease dies with its process.
/// </summary>
public sealed class ComputeLease : IDisposable
{
    private readonly IReadOnlyList<ExclusiveFileLock> _slots;

    private ComputeLease(IReadOnlyList<ExclusiveFileLock> slots) => _slots = slots;

    /// <summary>Slots held.</summary>
    public int Slots => _slots.Count;

    /// <summary>How many slots <paramref name="device"/> has on this machine.</summary>
    public static int Capacity(string device) => device == "cpu" ? Environment.ProcessorCount : 1;

    /// <summary>How many slots a run with <paramref name="compute"/> takes.</summary>
    public static int Needed(ComputeResources compute) => compute.Device == "cpu" ? Math.Min(compute.Threads, Capacity("cpu")) : 1;

    /// <summary>The lock file of slot <paramref name="slot"/> of <paramref name="device"/> in <paramref name="home"/>.</summary>
    public static string PathFor(string home, string device, int slot) =>
        Path.Combine(home, "locks", string.Create(CultureInfo.InvariantCulture, $"compute-{device.Replace(':', '-')}-{slot}.lock"));

    /// <summary>The lease, or null when too few of the device's slots are free now.</summary>
    public static ComputeLease? TryAcquire(string home, ComputeResources compute)
    {
        ArgumentNullException.ThrowIfNull(compute);
        var (capacity, needed) = (Capacity(compute.Device), Needed(compute));
        var held = new List<ExclusiveFileLock>(needed);
        for (var slot = 0; slot < capacity && held.Count < needed; slot++)
            if (ExclusiveFileLock.TryAcquire(PathFor(home, compute.Device, slot)) is { } taken) held.Add(taken);
        if (held.Count == needed) return new ComputeLease(held);
        foreach (var taken in held) taken.Dispose();
        return null;
    }

    /// <summary>
    /// The lease, waiting while other processes hold too many slots: <paramref name="waiting"/> is called once, before the
    /// first wait, so that the caller can say what it waits for.
    /// </summary>
    /// <exception cref="OperationCanceledException">Cancelled while waiting.</exception>
    public static ComputeLease Acquire(string home, ComputeResources compute, Action? waiting, CancellationToken cancellationToken)
    {
        var told = false;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (TryAcquire(home, compute) is { } lease) return lease;
            if (!told) waiting?.Invoke();
            told = true;
            cancellationToken.WaitHandle.WaitOne(ExclusiveFileLock.PollInterval);
        }
    }

    /// <summary>What a waiter says: the device, its slots and what this run needs.</summary>
    public static string WaitingMessage(ComputeResources compute) => compute.Device == "cpu"
        ? string.Create(CultureInfo.InvariantCulture,
            $"waiting for the compute lease: other alpacafarm processes in this home use the cpu's {Capacity("cpu")} core(s), and this run needs {Needed(compute)}")
        : $"waiting for the compute lease: another alpacafarm process in this home uses {compute.Device}";

    public void Dispose()
    {
        foreach (var slot in _slots) slot.Dispose();
    }
}
