using AlpacaFarm.Remoting;
using AlpacaFarm.Worker;

// alpacafarm-worker --socket PATH --plugin-assembly PATH: connects to the host's socket, serves the plugin until the host
// hangs up, then exits at once (a method still computing is ended with the process).
if (Argument(args, RpcChannel.SocketArgument) is not { } socket || Argument(args, RpcChannel.AssemblyArgument) is not { } assembly)
{
    Console.Error.WriteLine($"usage: alpacafarm-worker {RpcChannel.SocketArgument} PATH {RpcChannel.AssemblyArgument} PATH");
    return 2;
}
var stream = await RpcChannel.ConnectAsync(socket, CancellationToken.None);
var service = new WorkerService(assembly);
var rpc = RpcChannel.Start(stream, service);
service.Host = rpc.Attach<IHostService>();
try
{
    await rpc.Completion;
}
catch (Exception)
{
    // The channel broke: the host is gone or killed the connection; nothing is left to serve.
}
Environment.Exit(0);
return 0;

static string? Argument(string[] args, string name)
{
    var at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
}
