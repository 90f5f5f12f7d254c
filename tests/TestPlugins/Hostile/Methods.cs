using System.Net.Sockets;
using System.Reflection;
using AlpacaFarm.Abstractions.Methods;
using AlpacaFarm.Abstractions.Policies;
using AlpacaFarm.Abstractions.Reporting;
using TorchSharp;

namespace AlpacaFarm.TestPlugins.Hostile;

/// <summary>Ends the process it runs in.</summary>
public sealed class ExitMethod() : HostileMethod("hostile-exit", "Calls Environment.Exit(3).")
{
    public override Task<IPolicy> RunAsync(MethodContext context, CancellationToken cancellationToken)
    {
        Environment.Exit(3);
        return Task.FromResult<IPolicy>(new EchoPolicy());
    }
}

/// <summary>Allocates libtorch memory (outside the .NET heap) without bound, 64 MiB at a time, touching every page.</summary>
public sealed class AllocateMethod() : HostileMethod("hostile-allocate", "Allocates libtorch tensors without bound.")
{
    public override async Task<IPolicy> RunAsync(MethodContext context, CancellationToken cancellationToken)
    {
        var kept = new List<torch.Tensor>();
        while (true)
        {
            kept.Add(torch.ones(16L << 20, torch.ScalarType.Float32));
            await Task.Yield();
        }
    }
}

/// <summary>
/// Tries to reach what a submission must not: the host's environment, files named in probe.txt of its own folder (read,
/// write, tcp lines), the host's assemblies by name and by path. Throws its findings as one line, "read:" or "wrote:" or
/// "connected:" for each success and "denied:" for each failure.
/// </summary>
public sealed class SnoopMethod() : HostileMethod("hostile-snoop", "Reads, writes and connects where it must not, then reports what worked.")
{
    public override async Task<IPolicy> RunAsync(MethodContext context, CancellationToken cancellationToken)
    {
        var findings = new List<string>();
        foreach (var name in new[] { "ALPACAFARM_TEST_SECRET", "OPENAI_API_KEY" })
            findings.Add(Environment.GetEnvironmentVariable(name) is { } value ? $"read:env {name}={value}" : $"denied:env {name}");
        var folder = Path.GetDirectoryName(typeof(SnoopMethod).Assembly.Location)!;
        foreach (var line in File.ReadAllLines(Path.Combine(folder, "probe.txt")))
        {
            var (verb, target) = (line[..line.IndexOf(' ')], line[(line.IndexOf(' ') + 1)..]);
            try
            {
                switch (verb)
                {
                    case "read":
                        findings.Add($"read:{target} {File.ReadAllBytes(target).Length} bytes");
                        break;
                    case "write":
                        await File.WriteAllTextAsync(target, "written by a submission", cancellationToken);
                        findings.Add($"wrote:{target}");
                        break;
                    case "tcp":
                        using (var client = new TcpClient())
                        {
                            var colon = target.LastIndexOf(':');
                            await client.ConnectAsync(target[..colon], int.Parse(target[(colon + 1)..]), cancellationToken);
                            findings.Add($"connected:{target}");
                        }
                        break;
                    case "assembly":
                        findings.Add($"read:assembly {Assembly.LoadFrom(target).GetName().Name}");
                        break;
                }
            }
            catch (Exception e)
            {
                findings.Add($"denied:{verb} {target} ({e.GetType().Name})");
            }
        }
        foreach (var name in new[] { "AlpacaFarm.Simulation", "AlpacaFarm.Evaluation", "AlpacaFarm.Leaderboard", "AlpacaFarm.Judges", "AlpacaFarm.Runner" })
        {
            try
            {
                findings.Add($"read:assembly {Assembly.Load(name).GetName().Name}");
            }
            catch (Exception e)
            {
                findings.Add($"denied:assembly {name} ({e.GetType().Name})");
            }
        }
        var loaded = AppDomain.CurrentDomain.GetAssemblies().Select(a => a.GetName().Name).Where(n => n is "AlpacaFarm.Simulation" or "AlpacaFarm.Leaderboard").ToList();
        if (loaded.Count > 0) findings.Add($"read:loaded {string.Join(",", loaded)}");
        throw new InvalidOperationException("findings: " + string.Join("; ", findings));
    }
}

/// <summary>
/// Floods stdout and stderr (8 MiB each) while using the channel between writes (a log line and the budget), then fails
/// with the budget it was told, which it could only learn through an intact channel.
/// </summary>
public sealed class ChatterMethod() : HostileMethod("hostile-chatter", "Writes to stdout and stderr in a loop.")
{
    public override async Task<IPolicy> RunAsync(MethodContext context, CancellationToken cancellationToken)
    {
        var line = new string('x', 1023);
        var remaining = -1;
        for (var i = 0; i < 8192; i++)
        {
            Console.Out.WriteLine(line);
            Console.Error.WriteLine(line);
            if (i % 1024 == 0)
            {
                context.Reporter.Log(MethodLogLevel.Information, $"chatter {i}");
                remaining = (await context.Preferences.GetBudgetAsync(cancellationToken)).Remaining;
            }
        }
        Console.Out.Flush();
        throw new InvalidOperationException($"chatter done; budget remaining {remaining}");
    }
}

/// <summary>Floods the channel itself: log lines of 1 MiB each, without end.</summary>
public sealed class FloodMethod() : HostileMethod("hostile-flood", "Sends log lines of 1 MiB without end.")
{
    public override async Task<IPolicy> RunAsync(MethodContext context, CancellationToken cancellationToken)
    {
        var line = new string('y', 1 << 20);
        while (true)
        {
            context.Reporter.Log(MethodLogLevel.Information, line);
            await context.Preferences.GetBudgetAsync(cancellationToken);
        }
    }
}
