using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Xml.Linq;

namespace AlpacaFarm.Tests.Architecture;

/// <summary>
/// The layers hold: what each built assembly references, read from its metadata (nothing is loaded), and what each project
/// declares. Dependencies point inward; the fixed evaluator and the simulation never compile against the modeling SDK or
/// libtorch; plugins see only the contract, the SDK and TorchSharp; the host declares every project it uses.
/// </summary>
public sealed class LayerTests
{
    private static readonly string Output = AppContext.BaseDirectory;

    [Theory]
    [InlineData("AlpacaFarm.Abstractions")]
    [InlineData("AlpacaFarm.Evaluation")]
    [InlineData("AlpacaFarm.Judges")]
    [InlineData("AlpacaFarm.Leaderboard")]
    [InlineData("AlpacaFarm.Simulation")]
    public void The_evaluator_and_the_world_reach_neither_the_modeling_sdk_nor_torchsharp(string assembly)
    {
        var reached = Closure(assembly);

        Assert.DoesNotContain("AlpacaFarm.Modeling", reached);
        Assert.DoesNotContain("TorchSharp", reached);
    }

    [Fact]
    public void The_contract_references_nothing_but_the_runtime()
    {
        Assert.All(References(Path.Combine(Output, "AlpacaFarm.Abstractions.dll")), name => Assert.True(IsRuntime(name), name));
    }

    [Fact]
    public void No_library_references_the_host()
    {
        foreach (var dll in Directory.EnumerateFiles(Output, "AlpacaFarm.*.dll").Where(path => !Path.GetFileName(path).StartsWith("AlpacaFarm.Tests", StringComparison.Ordinal)))
            Assert.DoesNotContain("alpacafarm", References(dll));
    }

    [Fact]
    public void Plugins_reference_only_the_contract_the_sdk_and_torchsharp()
    {
        var plugins = Directory.EnumerateDirectories(Path.Combine(Output, "plugins")).ToList();
        Assert.Equal(6, plugins.Count);
        foreach (var folder in plugins)
        {
            var dll = Directory.EnumerateFiles(folder, "AlpacaFarm.Plugins.*.dll").Single();
            Assert.All(References(dll), name => Assert.True(
                IsRuntime(name) || name is "AlpacaFarm.Abstractions" or "AlpacaFarm.Modeling" or "TorchSharp", $"{Path.GetFileName(dll)} references {name}"));
        }
    }

    [Fact]
    public void The_worker_folder_holds_none_of_the_hosts_assemblies_and_the_worker_references_only_the_contract_the_sdk_and_the_channel()
    {
        var worker = Path.Combine(Output, "worker");
        var names = Directory.EnumerateFiles(worker, "*.dll").Select(Path.GetFileNameWithoutExtension).ToHashSet();

        Assert.Superset(new HashSet<string?> { "alpacafarm-worker", "AlpacaFarm.Abstractions", "AlpacaFarm.Modeling", "AlpacaFarm.Remoting", "TorchSharp", "StreamJsonRpc" }, names);
        foreach (var host in new[] { "alpacafarm", "AlpacaFarm.Application", "AlpacaFarm.Catalog", "AlpacaFarm.Evaluation", "AlpacaFarm.Judges", "AlpacaFarm.Leaderboard", "AlpacaFarm.Runner", "AlpacaFarm.Simulation" })
            Assert.DoesNotContain(host, names);
        Assert.All(References(Path.Combine(worker, "alpacafarm-worker.dll")), name => Assert.True(
            IsRuntime(name) || name is "AlpacaFarm.Abstractions" or "AlpacaFarm.Modeling" or "AlpacaFarm.Remoting" or "StreamJsonRpc", $"the worker references {name}"));
        Assert.All(References(Path.Combine(worker, "AlpacaFarm.Remoting.dll")), name => Assert.True(
            IsRuntime(name) || name is "AlpacaFarm.Abstractions" or "StreamJsonRpc", $"the channel references {name}"));
    }

    [Fact]
    public void Plugin_projects_reach_the_host_side_only_through_the_plugin_props()
    {
        // Built-in plugins and, once they exist, community/ plugins: a ProjectReference of their own into src/ would let a
        // method compile against the runner, the evaluator or the world; build/Plugin.props gives them the contract and the SDK.
        var root = RepositoryRoot();
        var projects = new[] { "plugins", "community" }.Select(folder => Path.Combine(root, folder)).Where(Directory.Exists)
            .SelectMany(folder => Directory.EnumerateFiles(folder, "*.csproj", SearchOption.AllDirectories)).ToList();
        Assert.Equal(6, projects.Count(project => project.StartsWith(Path.Combine(root, "plugins"), StringComparison.Ordinal)));
        foreach (var project in projects)
            Assert.DoesNotContain(XDocument.Load(project).Descendants("ProjectReference"),
                reference => reference.Attribute("Include")!.Value.Replace('\\', '/').Contains("src/", StringComparison.Ordinal));
    }

    [Fact]
    public void The_sdk_holds_no_build_tooling()
    {
        Assert.DoesNotContain(typeof(AlpacaFarm.Modeling.SdkVersion).Assembly.GetTypes(), type => type.Namespace == "AlpacaFarm.Native");
    }

    [Fact]
    public void The_host_declares_every_project_it_uses()
    {
        var used = References(Path.Combine(Output, "alpacafarm.dll")).Where(name => name.StartsWith("AlpacaFarm.", StringComparison.Ordinal)).ToHashSet();
        var declared = ProjectReferences(Path.Combine(RepositoryRoot(), "src", "Host", "AlpacaFarm.Host.csproj"));

        Assert.Empty(used.Except(declared));
    }

    [Fact]
    public void Benchmarks_reference_no_test_project()
    {
        foreach (var project in Directory.EnumerateFiles(Path.Combine(RepositoryRoot(), "bench"), "*.csproj", SearchOption.AllDirectories))
            Assert.DoesNotContain(XDocument.Load(project).Descendants("ProjectReference"),
                reference => reference.Attribute("Include")!.Value.Replace('\\', '/').Contains("/tests/", StringComparison.Ordinal));
    }

    /// <summary>The AlpacaFarm assemblies (and TorchSharp) <paramref name="assembly"/> reaches through its references, itself excluded.</summary>
    private static HashSet<string> Closure(string assembly)
    {
        var reached = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([assembly]);
        while (pending.TryPop(out var next))
        {
            foreach (var name in References(Path.Combine(Output, next + ".dll")).Where(name => !IsRuntime(name)))
                if (reached.Add(name) && File.Exists(Path.Combine(Output, name + ".dll")) && name.StartsWith("AlpacaFarm.", StringComparison.Ordinal))
                    pending.Push(name);
        }
        return reached;
    }

    private static IReadOnlyList<string> References(string dll)
    {
        using var stream = File.OpenRead(dll);
        using var pe = new PEReader(stream);
        var metadata = pe.GetMetadataReader();
        return [.. metadata.AssemblyReferences.Select(handle => metadata.GetString(metadata.GetAssemblyReference(handle).Name))];
    }

    private static bool IsRuntime(string name) => name is "netstandard" or "mscorlib" || name.StartsWith("System", StringComparison.Ordinal)
        || name.StartsWith("Microsoft.Win32", StringComparison.Ordinal) || name.StartsWith("Microsoft.CSharp", StringComparison.Ordinal);

    /// <summary>The assembly names of a project's ProjectReferences (each project's file name without .csproj).</summary>
    private static HashSet<string> ProjectReferences(string project) =>
        [.. XDocument.Load(project).Descendants("ProjectReference").Select(reference => Path.GetFileNameWithoutExtension(reference.Attribute("Include")!.Value))];

    private static string RepositoryRoot()
    {
        var folder = new DirectoryInfo(Output);
        while (!File.Exists(Path.Combine(folder.FullName, "AlpacaFarm.sln"))) folder = folder.Parent!;
        return folder.FullName;
    }
}
