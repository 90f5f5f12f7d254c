using AlpacaFarm.Abstractions.Artifacts;

namespace AlpacaFarm.Abstractions.Policies;

/// <summary>
/// Text in, text out. A policy stays in the process that produced it (a Best-of-n policy is code, not a file);
/// the host calls it directly or through a proxy, so its members take and return serialisable values only. The host
/// disposes it once evaluated, releasing the models it holds.
/// </summary>
public interface IPolicy : IDisposable
{
    /// <summary>A short description for provenance (e.g. "best-of-16 over sft").</summary>
    string Name { get; }

    /// <summary>The artifacts it depends on, for provenance.</summary>
    IReadOnlyList<ArtifactHandle> Dependencies { get; }

    Task<GenerationResult> GenerateAsync(GenerationRequest request, CancellationToken cancellationToken);
}
