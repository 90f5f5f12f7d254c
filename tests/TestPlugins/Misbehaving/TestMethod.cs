using AlpacaFarm.Abstractions.Artifacts;
using AlpacaFarm.Abstractions.Methods;
using AlpacaFarm.Abstractions.Policies;

namespace AlpacaFarm.TestPlugins.Misbehaving;

/// <summary>What every misbehaving test method shares: a descriptor without hyperparameters, and a policy that echoes.</summary>
public abstract class TestMethod(string id, string description) : IMethod
{
    public MethodDescriptor Descriptor { get; } = new(id, id, "1.0.0", MethodKind.TrainingTime, description, "none", [], IsImplemented: true);

    public abstract Task<IPolicy> RunAsync(MethodContext context, CancellationToken cancellationToken);
}

/// <summary>Answers every prompt with the prompt; <paramref name="before"/> runs first on every call.</summary>
public sealed class EchoPolicy(Func<CancellationToken, Task>? before = null) : IPolicy
{
    public string Name => "echo";

    public IReadOnlyList<ArtifactHandle> Dependencies => [];

    public async Task<GenerationResult> GenerateAsync(GenerationRequest request, CancellationToken cancellationToken)
    {
        if (before is not null) await before(cancellationToken);
        return new GenerationResult([.. request.Prompts]);
    }

    public void Dispose()
    {
    }
}
