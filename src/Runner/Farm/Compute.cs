using AlpacaFarm.Abstractions.Compute;

namespace AlpacaFarm.Runner.Farm;

/// <summary>The compute the host gives its own training and generation.</summary>
public static class Compute
{
    public static ComputeResources Cpu(int threads)
    {
        var resources = new ComputeResources("cpu", threads, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes);
        return resources.Problem() is { } problem ? throw new ArgumentException(problem) : resources;
    }
}
