using System.Reflection;
using System.Runtime.InteropServices;
using AlpacaFarm.Modeling.Runtime;
using AlpacaFarm.Runner.Configuration;
using Mediator;

namespace AlpacaFarm.Application.Info;

/// <summary>Asks what this installation is: versions, compute, native patch, home.</summary>
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
    string HomeSource);

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
            home.Source));
    }
}
