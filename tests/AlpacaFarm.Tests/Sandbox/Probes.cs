using System.Net;
using System.Net.Sockets;
using AlpacaFarm.Leaderboard;
using AlpacaFarm.Tests.Catalog;

namespace AlpacaFarm.Tests.Sandbox;

/// <summary>
/// What the snooping plugin tries, written into probe.txt of a copy of its folder: reading the leaderboard, a secret file of
/// the home, the reference outputs (where ../shared/data is) and the farm's gold assembly by path; connecting to a listener
/// on 127.0.0.1; writing beside the database and into the host's /tmp. A secret also sits in this process's environment.
/// </summary>
internal sealed class Probes : IDisposable
{
    public static readonly string Secret = $"s3cret-{Guid.NewGuid():N}";

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly List<string> _lines = [];
    private int _connections;

    public Probes(string home)
    {
        Environment.SetEnvironmentVariable("ALPACAFARM_TEST_SECRET", Secret);
        SecretFile = Path.Combine(home, "secret.txt");
        File.WriteAllText(SecretFile, Secret);
        _listener.Start();
        _ = AcceptAsync();
        Listener = $"127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";
        Written = [Path.Combine(home, $"outside-{Guid.NewGuid():N}.txt"), Path.Combine(Path.GetTempPath(), $"alpacafarm-hostile-{Guid.NewGuid():N}.txt")];
        _lines.Add($"read {Path.Combine(home, LeaderboardStore.FileName)}");
        _lines.Add($"read {SecretFile}");
        if (SharedData.Available) _lines.Add($"read {SharedData.Reference}");
        _lines.Add($"assembly {Path.Combine(AppContext.BaseDirectory, "AlpacaFarm.Simulation.dll")}");
        _lines.Add($"tcp {Listener}");
        _lines.AddRange(Written.Select(path => $"write {path}"));
    }

    public string SecretFile { get; }

    public string Listener { get; }

    public IReadOnlyList<string> Written { get; }

    public int Count => _lines.Count;

    public bool Connected => Volatile.Read(ref _connections) > 0;

    /// <summary>A copy of the snooping plugin with this probe.txt.</summary>
    public string Plugin(TestPluginFolders folders)
    {
        var plugin = Path.Combine(folders.Folder($"snoop-{Guid.NewGuid():N}", ("test-hostile", "test-hostile")), "test-hostile");
        File.WriteAllLines(Path.Combine(plugin, "probe.txt"), _lines);
        return plugin;
    }

    public void Dispose()
    {
        _listener.Stop();
        foreach (var path in Written) File.Delete(path);
        File.Delete(SecretFile);
        Environment.SetEnvironmentVariable("ALPACAFARM_TEST_SECRET", null);
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                using var client = await _listener.AcceptTcpClientAsync();
                Interlocked.Increment(ref _connections);
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }
    }
}
