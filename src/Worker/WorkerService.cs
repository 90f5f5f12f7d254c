using AlpacaFarm.Abstractions.Compute;
using AlpacaFarm.Abstractions.Methods;
using AlpacaFarm.Abstractions.Policies;
using AlpacaFarm.Modeling.Runtime;
using AlpacaFarm.Remoting;
using StreamJsonRpc;

namespace AlpacaFarm.Worker;

/// <summary>
/// One plugin served to the host: its descriptors, one method run whose policy stays here, then generation from that policy.
/// A plugin's exception reaches the host as one line, "Type: first line of its message", as the host words an in-process one.
/// </summary>
internal sealed class WorkerService(string assemblyPath) : IWorkerService
{
    private IReadOnlyList<IMethod>? _methods;
    private IPolicy? _policy;
    private ComputeResources? _compute;

    /// <summary>The host's services, set once the channel is up.</summary>
    public IHostService Host { get; set; } = null!;

    public Task<IReadOnlyList<MethodDescriptor>> DescribeAsync(CancellationToken cancellationToken) =>
        Fault(() => Task.FromResult<IReadOnlyList<MethodDescriptor>>([.. Methods().Select(method => method.Descriptor)]));

    public Task<RemotePolicyInfo> RunAsync(string methodId, MethodRunSpec spec, CancellationToken cancellationToken) => Fault(async () =>
    {
        if (_policy is not null) throw new InvalidOperationException("this worker has already run a method");
        var method = Methods().FirstOrDefault(m => m.Descriptor.Id == methodId)
            ?? throw new InvalidOperationException($"the plugin has no method '{methodId}'");
        _compute = spec.Compute;
        var reporter = new HostReporter(Host);
        var context = new MethodContext(spec, new HostPreferences(Host), reporter);
        // On a pool thread with the run's thread count, as the host runs a method in process.
        var policy = await Task.Run(() =>
        {
            TorchDevice.Configure(spec.Compute);
            return method.RunAsync(context, cancellationToken);
        }, CancellationToken.None);
        await reporter.FlushAsync();
        _policy = policy;
        // Null crosses as null: the host words "returned no policy" itself.
        return policy is null ? null! : new RemotePolicyInfo(policy.Name, policy.Dependencies);
    });

    public Task<GenerationResult> GenerateAsync(GenerationRequest request, CancellationToken cancellationToken) => Fault(() =>
    {
        var policy = _policy ?? throw new InvalidOperationException("no method has returned a policy in this worker");
        return Task.Run(() =>
        {
            TorchDevice.Configure(_compute!);
            return policy.GenerateAsync(request, cancellationToken);
        }, CancellationToken.None);
    });

    private IReadOnlyList<IMethod> Methods() => _methods ??= PluginAssembly.Methods(assemblyPath);

    private static async Task<T> Fault<T>(Func<Task<T>> work)
    {
        try
        {
            return await work();
        }
        catch (Exception e) when (e is not LocalRpcException)
        {
            var inner = e is System.Reflection.TargetInvocationException { InnerException: { } cause } ? cause : e;
            throw new LocalRpcException($"{inner.GetType().Name}: {inner.Message.Split('\n')[0].Trim()}") { ErrorCode = RpcChannel.PluginFaultCode };
        }
    }
}
