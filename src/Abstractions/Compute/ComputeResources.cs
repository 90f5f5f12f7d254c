using System.Text.RegularExpressions;

namespace AlpacaFarm.Abstractions.Compute;

/// <summary>
/// What a method may use: a device ("cpu" or "cuda:N"), intra-op threads, a memory budget, and the number format its
/// training runs in (<see cref="Precision"/>). Checked where it is made (the
/// constructor and every <c>with</c>), so a value that exists is well formed; whether this process has the device is the
/// host's check, once, where it reads the command line.
/// </summary>
public sealed partial record ComputeResources
{
    private readonly string _device = "cpu";
    private readonly int _threads = 1;
    private readonly long _memoryBudgetBytes = 1;
    private readonly string _precision = Fp32;

    /// <summary>Training in fp32 throughout (the default).</summary>
    public const string Fp32 = "fp32";

    /// <summary>Training with bfloat16 matrix multiplications over fp32 master weights, gradients and optimizer state.</summary>
    public const string Bf16Mixed = "bf16-mixed";

    /// <summary>The precisions a method must honour when it trains.</summary>
    public static readonly IReadOnlyList<string> Precisions = [Fp32, Bf16Mixed];

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
    /// The number format training runs in, one of <see cref="Precisions"/> (<see cref="Fp32"/> unless set). Every method
    /// trains in it (inference stays fp32); set with <c>with { Precision = … }</c>.
    /// </summary>
    public string Precision
    {
        get => _precision;
        init => _precision = Precisions.Contains(value) ? value : throw new ArgumentException($"precision '{value}' is neither {string.Join(" nor ", Precisions)}", nameof(Precision));
    }

    /// <summary>
    /// What float results depend on besides their inputs: the device, the intra-op thread count (libtorch splits
    /// reductions by thread, so two thread counts round differently) and a precision other than fp32 (fp32 keys read as
    /// they did before precision existed). Part of the key of every cached float result and every run; the memory budget
    /// changes no result and is left out.
    /// </summary>
    public string ResultKey => Precision == Fp32 ? $"device={Device};threads={Threads}" : $"device={Device};threads={Threads};precision={Precision}";

    [GeneratedRegex("^(cpu|cuda:[0-9]+)$")]
    private static partial Regex DeviceName();
}
