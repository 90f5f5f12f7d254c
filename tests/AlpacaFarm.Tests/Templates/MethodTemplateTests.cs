using System.Diagnostics;
using System.Text.Json;
using System.Xml.Linq;
using AlpacaFarm.Abstractions;
using AlpacaFarm.Modeling;
using AlpacaFarm.Tests.Cli;
using AlpacaFarm.Tests.Runner;
using AlpacaFarm.Tests.Sandbox;

namespace AlpacaFarm.Tests.Templates;

/// <summary>
/// The author's path: the template instantiated into a folder outside the repository (from a custom template hive, so
/// nothing is installed for the user), built against the packed contract and SDK alone, its own tests run, submitted, and
/// its row found.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class MethodTemplateTests(TinyFarmHome home) : IClassFixture<TinyFarmHome>, IDisposable
{
    // Guards against a hung child, never a measurement.
    private static readonly TimeSpan Guard = TimeSpan.FromMinutes(5);

    private readonly string _folder = Directory.CreateTempSubdirectory("alpacafarm-template-").FullName;

    [SandboxFact]
    public async Task A_method_from_the_template_builds_against_the_packed_feed_and_is_submitted_and_ranked()
    {
        var root = RepositoryRoot();
        var (feed, hive, project) = (Path.Combine(_folder, "feed"), Path.Combine(_folder, "hive"), Path.Combine(_folder, "Demo"));

        await Run("bash", Path.Combine(root, "templates", "pack-feed.sh"), feed);
        await Run("dotnet", "new", "install", Path.Combine(root, "templates", "alpacafarm-method"), "--debug:custom-hive", hive);
        await Run("dotnet", "new", "alpacafarm-method", "-n", "Demo", "-o", project, "--methodId", "demo-method", "--feed", feed, "--debug:custom-hive", hive);
        await Run("dotnet", "build", Path.Combine(project, "Demo.slnx"), "-c", "Release");
        // The template's own tests: its unit tests (TorchSharp loaded through the feed's native patch) and a tiny-recipe
        // submit through this build's CLI.
        var tests = await Run("dotnet", "test", Path.Combine(project, "Demo.slnx"), "-c", "Release", "--no-build");
        var plugin = Path.Combine(project, "Demo", "bin", "Release", "net10.0");
        var result = await CliRunner.RunAsync("submit", plugin, "--method", "demo-method", "--set", "k=2", "--home", home.Path,
            "--recipe", "tiny", "--threads", "1", "--eval-split", "validation");

        Assert.Contains("Passed!  - Failed:     0, Passed:     3, Skipped:     0, Total:     3", tests);
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("demo-method.demo-method-tiny-s0", home.Rows().Keys);
        // The folder holds the method alone: the contract, the SDK and TorchSharp are the worker's.
        Assert.Equal(["Demo.dll"], Directory.EnumerateFiles(plugin, "*.dll").Select(Path.GetFileName).Order());
        Assert.False(Directory.Exists(Path.Combine(plugin, "runtimes")));
    }

    [Fact]
    public void The_template_declares_this_build_s_contract_and_sdk()
    {
        var template = Path.Combine(RepositoryRoot(), "templates", "alpacafarm-method");
        var references = XDocument.Load(Path.Combine(template, "MyMethod", "MyMethod.csproj")).Descendants("PackageReference")
            .ToDictionary(reference => reference.Attribute("Include")!.Value, reference => reference.Attribute("Version")!.Value);
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(template, "MyMethod", "plugin.json")));

        Assert.Equal(ContractVersion.Current, references["AlpacaFarm.Abstractions"]);
        Assert.Equal(SdkVersion.Current, references["AlpacaFarm.Modeling"]);
        Assert.Equal(ContractVersion.Current, manifest.RootElement.GetProperty("contractVersion").GetString());
        Assert.Equal(SdkVersion.Current, manifest.RootElement.GetProperty("sdkVersion").GetString());
        Assert.Equal(typeof(TorchSharp.torch).Assembly.GetName().Version!.ToString(3), references["TorchSharp"]);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>
    /// Runs a program to its end outside the test host's MSBuild environment, with this build's CLI as ALPACAFARM_CLI; fails
    /// the test with its output otherwise, else returns its standard output.
    /// </summary>
    private async Task<string> Run(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = _folder };
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

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
            if (File.Exists(Path.Combine(folder.FullName, "AlpacaFarm.sln"))) return folder.FullName;
        throw new DirectoryNotFoundException("the repository root (AlpacaFarm.sln) is not above the test's folder");
    }
}
