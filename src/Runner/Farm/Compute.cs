using AlpacaFarm.Abstractions.Compute;
using AlpacaFarm.Modeling.Runtime;

namespace AlpacaFarm.Runner.Farm;

/// <summary>The compute the host gives its own training and generation, and the methods it runs.</summary>
public static class Compute
{
    /// <summary>Checked before any work: threads at least 1, and a device this process can use (a CUDA device needs a CUDA backend).</summary>
    public static ComputeResources For(string device, int threads)
    {
        var resources = new ComputeResources(device, threads, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes);
        if (resources.Problem() is { } problem) throw new ArgumentException(problem);
        TorchDevice.Resolve(device);
        return resources;
    }
}
