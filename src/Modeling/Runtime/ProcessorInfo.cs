namespace AlpacaFarm.Modeling.Runtime;

/// <summary>
/// The processor float results are computed on: libtorch picks its kernels per processor (the widest vector instructions
/// ATen may use, oneDNN's and MKL's code paths), and kernels that sum in another order round the last bits differently.
/// Reported by <c>alpacafarm info</c> and recorded with every row, so a figure names the machine kind it came from.
/// </summary>
/// <param name="Model">The processor's model name (/proc/cpuinfo), or "unknown".</param>
/// <param name="VectorInstructions">ATen's name for the widest kernels the processor allows: avx512, avx2 or default.</param>
/// <param name="KernelOverrides">The variables set in this process that hold libtorch's kernels to a lower instruction set or path.</param>
public sealed record ProcessorInfo(string Model, string VectorInstructions, IReadOnlyDictionary<string, string> KernelOverrides)
{
    /// <summary>Variables libtorch's kernel choice reads.</summary>
    public static IReadOnlyList<string> KernelVariables { get; } = ["ATEN_CPU_CAPABILITY", "ONEDNN_MAX_CPU_ISA", "MKL_CBWR", "MKL_ENABLE_INSTRUCTIONS"];

    /// <summary>This machine's processor, read from /proc/cpuinfo where there is one.</summary>
    public static ProcessorInfo Describe()
    {
        var lines = File.Exists("/proc/cpuinfo") ? File.ReadLines("/proc/cpuinfo").Take(64).ToList() : [];
        string? Field(string name) => lines.Where(line => line.StartsWith(name, StringComparison.Ordinal) && line.Contains(':'))
            .Select(line => line[(line.IndexOf(':') + 1)..].Trim()).FirstOrDefault();
        var flags = (Field("flags") ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
        // ATen's AVX-512 kernels need F, BW, VL and DQ; its AVX2 kernels need AVX2 and FMA.
        var vector = new[] { "avx512f", "avx512bw", "avx512vl", "avx512dq" }.All(flags.Contains) ? "avx512"
            : flags.Contains("avx2") && flags.Contains("fma") ? "avx2"
            : "default";
        var overrides = KernelVariables.Select(name => (name, value: Environment.GetEnvironmentVariable(name)))
            .Where(variable => !string.IsNullOrEmpty(variable.value)).ToDictionary(variable => variable.name, variable => variable.value!);
        return new ProcessorInfo(Field("model name") ?? "unknown", vector, overrides);
    }

    /// <summary>One line: "MODEL (VECTOR[; NAME=VALUE…])".</summary>
    public override string ToString() =>
        $"{Model} ({string.Join("; ", KernelOverrides.Select(o => $"{o.Key}={o.Value}").Prepend(VectorInstructions))})";
}
