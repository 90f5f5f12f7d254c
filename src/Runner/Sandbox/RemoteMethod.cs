using System.Runtime.ExceptionServices;
using AlpacaFarm.Abstractions.Methods;
using AlpacaFarm.Abstractions.Policies;
using AlpacaFarm.Remoting;
using AlpacaFarm.Runner.Methods;
using StreamJsonRpc;

namespace AlpacaFarm.Runner.Sandbox;

/// <summary>
/// A method that runs in a worker process: <see cref="RunAsync"/> starts the worker (in bubblewrap unless trusted) with the
/// run's inputs mounted read-only and its work folders writable, runs the method there behind proxies of the host's services,
/// and returns a policy that generates there too. Cancelling kills the worker.
/// </summary>
public sealed class RemoteMethod(MethodDescriptor descriptor, string pluginFolder, string entryAssembly, WorkerLimits limits) : IMethod
{
    /// <summary>The worker's stdout and stderr, in the run's work directory.</summary>
    public const string OutputFile = "worker-output.txt";

    public MethodDescriptor Descriptor { get; } = descriptor;

    public async Task<IPolicy> RunAsync(MethodContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var spec = context.Spec;
        var launch = new WorkerLaunch(pluginFolder, entryAssembly,
            [spec.SftPolicy.Path, spec.RewardModel.Path, spec.PreferenceData.Path], [spec.WorkDirectory, spec.CacheDirectory], spec.Compute.Threads, limits);
        Directory.CreateDirectory(spec.CacheDirectory);
        var host = new HostService(context.Preferences, context.Reporter);
        var worker = await WorkerProcess.StartAsync(launch, host, Path.Combine(spec.WorkDirectory, OutputFile), sandbox: !limits.Trust, cancellationToken);
        try
        {
            RemotePolicyInfo? info;
            using (cancellationToken.Register(() => worker.Stop("cancelled")))
                info = await Call(worker, host, () => worker.Worker.RunAsync(Descriptor.Id, spec, cancellationToken), cancellationToken, Descriptor.Id);
            if (info is null) throw new MethodRunFailure($"method '{Descriptor.Id}' returned no policy");
            return new RemotePolicy(worker, host, Descriptor.Id, info);
        }
        catch
        {
            await worker.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// A call into the worker, its failure worded as the host words one in process: a refusal of the preference service as
    /// that refusal, an exception of the plugin as "failed: Type: message", a dead worker by its limit or exit code.
    /// </summary>
    internal static async Task<T> Call<T>(WorkerProcess worker, HostService host, Func<Task<T>> call, CancellationToken cancellationToken, string methodId)
    {
        try
        {
            return await call();
        }
        catch (Exception) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException(cancellationToken);
        }
        // The method let the host's refusal end its run (the worker words it as the remote exception it received).
        catch (RemoteInvocationException e) when (host.Refusal is { } refusal && e.Message.Contains(refusal.Message, StringComparison.Ordinal))
        {
            ExceptionDispatchInfo.Throw(refusal);
            throw;
        }
        catch (RemoteInvocationException e) when (e.ErrorCode == RpcChannel.PluginFaultCode)
        {
            throw new MethodRunFailure($"method '{methodId}' failed: {e.Message}");
        }
        catch (Exception e) when (e is ConnectionLostException or ObjectDisposedException or RemoteRpcException or IOException)
        {
            throw new MethodRunFailure($"method '{methodId}' was stopped: {worker.DeathReason()}");
        }
    }
}
