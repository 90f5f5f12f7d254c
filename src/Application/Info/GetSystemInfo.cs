using System.Reflection;
using System.Runtime.InteropServices;
using AlpacaFarm.Modeling.Runtime;
using AlpacaFarm.Catalog;
using AlpacaFarm.Runner.Configuration;
using AlpacaFarm.Runner.Sandbox;
using Mediator;

namespace AlpacaFarm.Application.Info;

/// <summary>Asks what this installation is: versions, compute, native patch, home, its farm world, the sandbox.</summary>
public sealed record GetSystemInfo : IQuery<SystemInfo>;

/// <summary>The answer to <see cref="GetSystemInfo"/>.</summary>
public sealed record SystemInfo(
    string ProjectVersion,
    string DotnetVersion,
    string OperatingSystem,
    string ProcessArchitecture,
    int LogicalProcessors,
    ProcessorInfo Processor,
    TorchRuntimeInfo Torch,
    NativePatchStatus NativePatch,
    string Device,
    string Home,
    string HomeSource,
    SubmissionSupport Submissions,
    string FarmWorld);

/// <summary>What <c>alpacafarm submit</c> can do here.</summary>
/// <param name="Sandbox">"bubblewrap VERSION", or null where none can be made.</param>
/// <param name="Unavailable">Why no sandbox can be made (null when one can).</param>
/// <param name="MemoryLimitBy">What would hold a worker to its memory limit.</param>
/// <param name="PluginsFolder">The built-in plugins' folder (each can be submitted as it is).</param>
public sealed record SubmissionSupport(string? Sandbox, string? Unavailable, string MemoryLimitBy, string PluginsFolder);

/// <summary>Handles <see cref="GetSystemInfo"/>; loads TorchSharp's natives.</summary>
public sealed class GetSystemInfoHandler(AlpacaFarmHome home) : IQueryHandler<GetSystemInfo, SystemInfo>
{
    public ValueTask<SystemInfo> Handle(GetSystemInfo query, CancellationToken cancellationToken)
    {
        var torch = TorchRuntime.Describe();
        var version = typeof(GetSystemInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()
            ?.InformationalVersion.Split('+')[0] ?? "unknown";
        return ValueTask.FromResult(new SystemInfo(
            version,
            RuntimeInformation.FrameworkDescription,
            RuntimeInformation.OSDescription,
            RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant(),
            Environment.ProcessorCount,
            ProcessorInfo.Describe(),
            torch,
            NativePatchStatus.Inspect(),
            torch.CudaAvailable ? "cuda:0" : "cpu",
            home.Path,
            home.Source,
            new SubmissionSupport(Bubblewrap.Available, Bubblewrap.Available is null ? Bubblewrap.Unavailable : null,
                WorkerProcess.MemoryLimitBy(WorkerLimits.DefaultMemoryBytes), PluginCatalog.BuiltInFolder),
            Simulation.FarmWorld.CurrentWorld));
    }
}
