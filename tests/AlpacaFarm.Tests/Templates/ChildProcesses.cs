using System.Diagnostics;

namespace AlpacaFarm.Tests.Templates;

/// <summary>
/// Runs the commands an author would (pack, new, build, test) as child processes in <paramref name="folder"/>, outside the
/// test host's MSBuild environment, with this build's CLI as ALPACAFARM_CLI.
/// </summary>
internal sealed class ChildProcesses(string folder)
{
    // Guards against a hung child, never a measurement.
    private static readonly TimeSpan Guard = TimeSpan.FromMinutes(5);

    /// <summary>Runs <paramref name="program"/> to its end; fails the test with its output unless it exits 0, else returns its standard output.</summary>
    public async Task<string> Run(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = folder };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        // The test host runs under `dotnet test`, whose MSBuild variables would point a child build at the host's MSBuild.
        foreach (var name in start.Environment.Keys.Where(key => key.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList())
            start.Environment.Remove(name);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["ALPACAFARM_CLI"] = $"dotnet \"{Path.Combine(AppContext.BaseDirectory, "alpacafarm.dll")}\"";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(Guard);
        Assert.True(process.ExitCode == 0, $"{program} {string.Join(' ', args)} exited {process.ExitCode}:\n{await output}\n{await error}");
        return await output;
    }

    /// <summary>The repository's root: the folder above the test's build output that holds AlpacaFarm.sln.</summary>
    public static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
            if (File.Exists(Path.Combine(folder.FullName, "AlpacaFarm.sln"))) return folder.FullName;
        throw new DirectoryNotFoundException("the repository root (AlpacaFarm.sln) is not above the test's folder");
    }
}
