using System.Text.RegularExpressions;

namespace AlpacaFarm.Abstractions.Compute;

/// <summary>
/// What a method may use: a device ("cpu" or "cuda:N"), intra-op threads and a memory budget. Checked where it is made (the
/// constructor and every <c>with</c>), so a value that exists is well formed; whether this process has the device is the
/// host's check, once, where it reads the command line.
/// </summary>
public sealed partial record ComputeResources
{
    private readonly string _device = "cpu";
    private readonly int _threads = 1;
    private readonly long _memoryBudgetBytes = 1;

    /// <exception cref="ArgumentException">A device that is neither "cpu" nor "cuda:N", fewer than one thread, or no memory.</exception>
    public ComputeResources(string Device, int Threads, long MemoryBudgetBytes)
    {
        this.Device = Device;
        this.Threads = Threads;
        this.MemoryBudgetBytes = MemoryBudgetBytes;
    }

    /// <summary>"cpu" or "cuda:N".</summary>
    public string Device
    {
        get => _device;
        init => _device = DeviceName().IsMatch(value ?? "") ? value! : throw new ArgumentException($"device '{value}' is neither 'cpu' nor 'cuda:N'", nameof(Device));
    }

    /// <summary>Intra-op threads, at least one.</summary>
    public int Threads
    {
        get => _threads;
        init => _threads = value >= 1 ? value : throw new ArgumentException($"threads must be at least 1 (got {value})", nameof(Threads));
    }

    /// <summary>Memory the method may use, in bytes; positive.</summary>
    public long MemoryBudgetBytes
    {
        get => _memoryBudgetBytes;
        init => _memoryBudgetBytes = value >= 1 ? value : throw new ArgumentException($"memory budget must be positive (got {value} bytes)", nameof(MemoryBudgetBytes));
    }

    /// <summary>
    /// What float results depend on besides their inputs: the device and the intra-op thread count (libtorch splits
    /// reductions by thread, so two thread counts round differently). Part of the key of every cached float result and
    /// every run; the memory budget changes no result and is left out.
    /// </summary>
    public string ResultKey => $"device={Device};threads={Threads}";

    [GeneratedRegex("^(cpu|cuda:[0-9]+)$")]
    private static partial Regex DeviceName();
}
