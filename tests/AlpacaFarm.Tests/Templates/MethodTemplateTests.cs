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
    private readonly string _folder = Directory.CreateTempSubdirectory("alpacafarm-template-").FullName;

    [SandboxFact]
    public async Task A_method_from_the_template_builds_against_the_packed_feed_and_is_submitted_and_ranked()
    {
        var root = ChildProcesses.RepositoryRoot();
        var children = new ChildProcesses(_folder);
        var (feed, hive, project) = (Path.Combine(_folder, "feed"), Path.Combine(_folder, "hive"), Path.Combine(_folder, "Demo"));

        await children.Run("bash", Path.Combine(root, "templates", "pack-feed.sh"), feed);
        await children.Run("dotnet", "new", "install", Path.Combine(root, "templates", "alpacafarm-method"), "--debug:custom-hive", hive);
        await children.Run("dotnet", "new", "alpacafarm-method", "-n", "Demo", "-o", project, "--methodId", "demo-method", "--feed", feed, "--debug:custom-hive", hive);
        await children.Run("dotnet", "build", Path.Combine(project, "Demo.slnx"), "-c", "Release");
        // The template's own tests: its unit tests (TorchSharp loaded through the feed's native patch) and a tiny-recipe
        // submit through this build's CLI.
        var tests = await children.Run("dotnet", "test", Path.Combine(project, "Demo.slnx"), "-c", "Release", "--no-build");
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
        var template = Path.Combine(ChildProcesses.RepositoryRoot(), "templates", "alpacafarm-method");
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
}
