using System.Net.Sockets;
using StreamJsonRpc;

namespace AlpacaFarm.Remoting;

/// <summary>
/// The one channel setup both sides use: JSON-RPC with header-delimited messages over a Unix domain socket, serialised by
/// System.Text.Json (the contract's records round-trip through it). The socket is the channel's own, so whatever the plugin
/// writes to stdout or stderr never reaches it.
/// </summary>
public static class RpcChannel
{
    /// <summary>The argument that names the socket on the worker's command line.</summary>
    public const string SocketArgument = "--socket";

    /// <summary>The argument that names the plugin's entry assembly on the worker's command line.</summary>
    public const string AssemblyArgument = "--plugin-assembly";

    /// <summary>The JSON-RPC error code of an exception from the plugin's own code (the host tells it from a broken channel).</summary>
    public const int PluginFaultCode = -32000;

    /// <summary>Starts JSON-RPC on <paramref name="stream"/>, serving <paramref name="target"/> (when given) to the other side.</summary>
    public static JsonRpc Start(Stream stream, object? target)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var rpc = new JsonRpc(new HeaderDelimitedMessageHandler(stream, stream, new SystemTextJsonFormatter()));
        if (target is not null) rpc.AddLocalRpcTarget(target, new JsonRpcTargetOptions { DisposeOnDisconnect = false });
        rpc.StartListening();
        return rpc;
    }

    /// <summary>Connects to the host's socket at <paramref name="path"/>.</summary>
    public static async Task<Stream> ConnectAsync(string path, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
