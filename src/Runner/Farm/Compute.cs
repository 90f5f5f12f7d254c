using AlpacaFarm.Abstractions.Compute;
using AlpacaFarm.Modeling.Runtime;

namespace AlpacaFarm.Runner.Farm;

/// <summary>The compute the host gives its own training and generation, and the methods it runs.</summary>
public static class Compute
{
    /// <summary>
    /// The one check of --device and --threads, where the command line is read, before any work: a well-formed value
    /// (<see cref="ComputeResources"/> refuses any other) and a device this process has (a CUDA device needs a CUDA backend).
    /// Nothing downstream checks them again.
    /// </summary>
    public static ComputeResources For(string device, int threads)
    {
        var resources = new ComputeResources(device, threads, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes);
        TorchDevice.Resolve(device);
        return resources;
    }
}
