using AlpacaFarm.Abstractions.Methods;
using AlpacaFarm.Abstractions.Policies;

namespace AlpacaFarm.TestPlugins.Hostile;

/// <summary>What every hostile test method shares: a descriptor without hyperparameters.</summary>
public abstract class HostileMethod(string id, string description) : IMethod
{
    public MethodDescriptor Descriptor { get; } = new(id, id, "1.0.0", MethodKind.TrainingTime, description, "none", [], IsImplemented: true);

    public abstract Task<IPolicy> RunAsync(MethodContext context, CancellationToken cancellationToken);
}

/// <summary>Answers every prompt with the prompt.</summary>
public sealed class EchoPolicy : IPolicy
{
    public string Name => "echo";

    public IReadOnlyList<Abstractions.Artifacts.ArtifactHandle> Dependencies => [];

    public Task<GenerationResult> GenerateAsync(GenerationRequest request, CancellationToken cancellationToken) =>
        Task.FromResult(new GenerationResult([.. request.Prompts]));

    public void Dispose()
    {
    }
}
