using AlpacaFarm.Abstractions.Methods;
using AlpacaFarm.Abstractions.Policies;

namespace AlpacaFarm.TestPlugins.DuplicateId;

/// <summary>Claims the id of the Good test plugin's method.</summary>
public sealed class DuplicateEchoMethod : IMethod
{
    public MethodDescriptor Descriptor { get; } = new(
        "test-echo", "Duplicate echo (test)", "1.0.0", MethodKind.InferenceTime, "Same id as test-echo.", "none",
        [], IsImplemented: true);

    public Task<IPolicy> RunAsync(MethodContext context, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("never run: its id is a duplicate");
}
