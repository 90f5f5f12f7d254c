using AlpacaFarm.Abstractions.Methods;
using AlpacaFarm.Abstractions.Policies;
using AlpacaFarm.TestPlugins.Dependency;

namespace AlpacaFarm.TestPlugins.MissingDependency;

/// <summary>Derives from a type of an assembly its plugin folder lacks.</summary>
public sealed class NeedsDependencyMethod : DependencyBase, IMethod
{
    public MethodDescriptor Descriptor { get; } = new(
        "test-needs-dependency", "Needs dependency (test)", "1.0.0", MethodKind.InferenceTime, "Cannot load.", "none",
        [], IsImplemented: true);

    public Task<IPolicy> RunAsync(MethodContext context, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("unreachable");
}
