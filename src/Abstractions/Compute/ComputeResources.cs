using System.Text.RegularExpressions;

namespace AlpacaFarm.Abstractions.Compute;

/// <summary>What a method may use: a device ("cpu" or "cuda:N"), intra-op threads and a memory budget.</summary>
public sealed partial record ComputeResources(string Device, int Threads, long MemoryBudgetBytes)
{
    /// <summary>Null when valid, else why not.</summary>
    public string? Problem() =>
        !DeviceName().IsMatch(Device ?? "") ? $"device '{Device}' is neither 'cpu' nor 'cuda:N'"
        : Threads < 1 ? $"threads must be at least 1 (got {Threads})"
        : MemoryBudgetBytes < 1 ? $"memory budget must be positive (got {MemoryBudgetBytes} bytes)"
        : null;

    /// <summary>
    /// What float results depend on besides their inputs: the device and the intra-op thread count (libtorch splits
    /// reductions by thread, so two thread counts round differently). Part of the key of every cached float result and
    /// every run; the memory budget changes no result and is left out.
    /// </summary>
    public string ResultKey => $"device={Device};threads={Threads}";

    [GeneratedRegex("^(cpu|cuda:[0-9]+)$")]
    private static partial Regex DeviceName();
}
