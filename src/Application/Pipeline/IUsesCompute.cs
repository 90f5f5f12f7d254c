using AlpacaFarm.Abstractions.Compute;
using AlpacaFarm.Runner.Farm;

namespace AlpacaFarm.Application.Pipeline;

/// <summary>
/// A request whose work runs on libtorch: the pipeline takes the device's compute lease in the home and sets the thread count
/// once, before the handler runs.
/// </summary>
public interface IUsesCompute
{
    /// <summary>The device and threads the command line gave (checked where it was read).</summary>
    ComputeResources Compute { get; }

    /// <summary>Where the pipeline says that it waits for the lease.</summary>
    IProgress<TrainingStage>? Progress { get; }
}
