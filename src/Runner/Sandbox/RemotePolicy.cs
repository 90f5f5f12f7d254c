using AlpacaFarm.Abstractions.Artifacts;
using AlpacaFarm.Abstractions.Policies;
using AlpacaFarm.Remoting;

namespace AlpacaFarm.Runner.Sandbox;

/// <summary>
/// The policy a worker's method returned, which stays in the worker: the host hands it the evaluation's instructions batch by
/// batch, only after the method's run has returned, and scores the outputs itself. Disposing it ends the worker.
/// </summary>
internal sealed class RemotePolicy(WorkerProcess worker, HostService host, string methodId, RemotePolicyInfo info) : IPolicy
{
    public string Name { get; } = info.Name ?? "";

    public IReadOnlyList<ArtifactHandle> Dependencies { get; } = info.Dependencies ?? [];

    public async Task<GenerationResult> GenerateAsync(GenerationRequest request, CancellationToken cancellationToken)
    {
        using var kill = cancellationToken.Register(() => worker.Stop("cancelled"));
        var result = await RemoteMethod.Call(worker, host, () => worker.Worker.GenerateAsync(request, cancellationToken), cancellationToken, methodId);
        // The worker's answer is data from untrusted code: one output per prompt, or the run fails.
        if (result?.Outputs is not { } outputs || outputs.Count != request.Prompts.Count || outputs.Any(output => output is null))
            throw new Methods.MethodRunFailure($"method '{methodId}': its policy returned {result?.Outputs?.Count ?? 0} outputs for {request.Prompts.Count} prompts");
        return result;
    }

    public void Dispose() => worker.DisposeAsync().AsTask().GetAwaiter().GetResult();
}
