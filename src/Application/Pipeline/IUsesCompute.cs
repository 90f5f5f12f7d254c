using AlpacaFarm.Abstractions.Compute;

namespace AlpacaFarm.Application.Pipeline;

/// <summary>A request whose work runs on libtorch: the pipeline sets its thread count once, before the handler runs.</summary>
public interface IUsesCompute
{
    /// <summary>The device and threads the command line gave (checked where it was read).</summary>
    ComputeResources Compute { get; }
}
