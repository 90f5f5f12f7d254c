using AlpacaFarm.Abstractions.Methods;
using AlpacaFarm.Abstractions.Policies;

namespace AlpacaFarm.TestPlugins.ThrowingConstructor;

/// <summary>Fails while being constructed.</summary>
public sealed class ThrowingMethod : IMethod
{
    public ThrowingMethod() => throw new InvalidOperationException("boom in constructor");

    public MethodDescriptor Descriptor => throw new InvalidOperationException("unreachable");

    public Task<IPolicy> RunAsync(MethodContext context, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("unreachable");
}
