using AlpacaFarm.Abstractions.Artifacts;
using AlpacaFarm.Abstractions.Methods;
using AlpacaFarm.Abstractions.Policies;

namespace AlpacaFarm.Remoting;

/// <summary>
/// What the host asks of a worker process, which holds one plugin: its methods' descriptors, one method run, then generation
/// from the policy that run returned (which never leaves the worker).
/// </summary>
public interface IWorkerService
{
    /// <summary>The descriptors of every method the plugin's entry assembly holds, in type-name order.</summary>
    Task<IReadOnlyList<MethodDescriptor>> DescribeAsync(CancellationToken cancellationToken);

    /// <summary>Runs <paramref name="methodId"/> with the host's services behind proxies and keeps the policy it returns.</summary>
    Task<RemotePolicyInfo> RunAsync(string methodId, MethodRunSpec spec, CancellationToken cancellationToken);

    /// <summary>One output per prompt from the policy of the last <see cref="RunAsync"/>.</summary>
    Task<GenerationResult> GenerateAsync(GenerationRequest request, CancellationToken cancellationToken);
}

/// <summary>What the host records of a policy that stays in the worker.</summary>
public sealed record RemotePolicyInfo(string Name, IReadOnlyList<ArtifactHandle> Dependencies);
