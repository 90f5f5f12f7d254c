using System.Reflection;
using TorchSharp;

namespace AlpacaFarm.Modeling.Runtime;

/// <summary>What the process's TorchSharp is and where it runs: recorded with every result, since float
/// results may differ across processors, thread counts and libtorch versions.</summary>
public sealed record TorchRuntimeInfo(
    string TorchSharpVersion,
    string LibTorchVersion,
    int Threads,
    int InteropThreads,
    bool CudaAvailable,
    int CudaDevices);

/// <summary>Loads TorchSharp's natives and describes them.</summary>
public static class TorchRuntime
{
    /// <summary>TorchSharp's managed assembly version (no native load).</summary>
    public static string TorchSharpVersion =>
        typeof(torch).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? typeof(torch).Assembly.GetName().Version?.ToString() ?? "unknown";

    /// <summary>Describes the runtime; loads libtorch on first use.</summary>
    public static TorchRuntimeInfo Describe()
    {
        var libTorch = torch.__version__;
        var cuda = torch.cuda.is_available();
        return new TorchRuntimeInfo(
            TorchSharpVersion,
            libTorch,
            torch.get_num_threads(),
            torch.get_num_interop_threads(),
            cuda,
            cuda ? torch.cuda.device_count() : 0);
    }
}
