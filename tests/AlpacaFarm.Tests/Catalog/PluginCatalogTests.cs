using AlpacaFarm.Abstractions.Methods;
using AlpacaFarm.Catalog;

namespace AlpacaFarm.Tests.Catalog;

public sealed class PluginCatalogTests : IDisposable
{
    private static readonly string[] BuiltInMethodIds =
        ["best-of-n", "binary-feedme", "binary-reward-conditioning", "dpo", "expert-iteration", "ppo", "quark"];

    /// <summary>The built-in methods that run today; the others are declared with their tables and refuse to run.</summary>
    public static readonly string[] ImplementedMethodIds = ["best-of-n", "binary-feedme", "binary-reward-conditioning", "dpo", "expert-iteration", "ppo", "quark"];

    private readonly TestPluginFolders _folders = new();

    public void Dispose() => _folders.Dispose();

    [Fact]
    public void Built_in_plugins_declare_the_seven_methods_and_the_implemented_ones_load()
    {
        var catalog = PluginCatalog.Load([]);

        Assert.Equal(6, catalog.Plugins.Count);
        Assert.All(catalog.Plugins, plugin => Assert.Equal(PluginStatus.Loaded, plugin.Status));
        Assert.Equal(BuiltInMethodIds, catalog.Methods.Select(entry => entry.Method.Descriptor!.Id).Order());
        Assert.All(catalog.Methods, entry => Assert.Equal(ImplementedMethodIds.Contains(entry.Method.Descriptor!.Id) ? PluginStatus.Loaded : PluginStatus.NotImplemented,
            entry.Method.Status));
        Assert.Equal("feedme", catalog.Methods.Single(entry => entry.Method.Descriptor!.Id == "binary-feedme").Plugin.Manifest!.Id);
        Assert.Equal(MethodKind.InferenceTime, catalog.Methods.Single(entry => entry.Method.Descriptor!.Id == "best-of-n").Method.Descriptor!.Kind);
    }

    [Fact]
    public void Running_a_declared_method_fails_with_a_clear_error_and_an_unknown_id_lists_the_known_ones()
    {
        var catalog = PluginCatalog.Load([Runner.TinyFarmHome.Misbehaving]);

        var notImplemented = Assert.Throws<PluginLoadException>(() => catalog.CreateMethod("test-declared"));
        Assert.Equal("method 'test-declared' of plugin 'test-misbehaving' is not implemented yet", notImplemented.Message);
        var unknown = Assert.Throws<PluginLoadException>(() => catalog.CreateMethod("nope"));
        Assert.StartsWith("unknown method 'nope' (known: best-of-n, binary-feedme,", unknown.Message);
    }

    [Fact]
    public void Plugin_folders_carry_no_shared_assemblies()
    {
        foreach (var folder in Directory.EnumerateDirectories(PluginCatalog.BuiltInFolder))
        {
            var files = Directory.EnumerateFiles(folder).Select(Path.GetFileName).ToList();
            Assert.Contains("plugin.json", files);
            Assert.DoesNotContain("AlpacaFarm.Abstractions.dll", files);
            Assert.DoesNotContain("TorchSharp.dll", files);
            Assert.DoesNotContain(files, file => file!.EndsWith(".so", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task A_good_plugin_in_a_folder_with_spaces_and_non_ascii_loads_and_runs()
    {
        var folder = _folders.Folder("my plugins", ("test-good", "Plátano ñandú"));

        var catalog = PluginCatalog.Load([folder]);

        var good = catalog.Plugins.Single(plugin => !plugin.BuiltIn);
        Assert.Equal(PluginStatus.Loaded, good.Status);
        Assert.EndsWith("Plátano ñandú", good.Folder);
        var method = catalog.CreateMethod("test-echo");
        var policy = await method.RunAsync(ContractSamples.Context(new Dictionary<string, string> { ["prefix"] = "echo" }), CancellationToken.None);
        var result = await policy.GenerateAsync(new([ "hi" ], ContractSamples.Decoding), CancellationToken.None);
        Assert.Equal(["echo: hi"], result.Outputs);
    }

    [Fact]
    public void Contract_assembly_is_shared_not_loaded_twice()
    {
        PluginCatalog.Load([_folders.Folder("shared", ("test-good", "a"))]);

        Assert.Single(AppDomain.CurrentDomain.GetAssemblies(), assembly => assembly.GetName().Name == "AlpacaFarm.Abstractions");
        Assert.True(AppDomain.CurrentDomain.GetAssemblies().Count(assembly => assembly.GetName().Name == "TorchSharp") <= 1);
    }

    [Fact]
    public void Missing_manifest()
    {
        var folder = _folders.Folder("missing", ("test-good", "good"));
        File.Delete(Path.Combine(folder, "good", "plugin.json"));

        var bad = Single(folder);

        Assert.Equal(PluginStatus.Malfunctioned, bad.Status);
        Assert.Equal("missing manifest: no plugin.json in the folder", bad.Reason);
    }

    [Fact]
    public void Malformed_manifest()
    {
        var folder = _folders.Folder("malformed", ("test-good", "good"));
        File.WriteAllText(Path.Combine(folder, "good", "plugin.json"), "{ \"id\": \"x\", ");

        var bad = Single(folder);

        Assert.Equal(PluginStatus.Malfunctioned, bad.Status);
        Assert.StartsWith("malformed manifest: ", bad.Reason);
        Assert.DoesNotContain('\n', bad.Reason!);
    }

    [Fact]
    public void Manifest_missing_a_field()
    {
        var folder = _folders.Folder("incomplete", ("test-good", "good"));
        var manifest = Path.Combine(folder, "good", "plugin.json");
        File.WriteAllText(manifest, File.ReadAllText(manifest).Replace("\"entryAssembly\"", "\"entry\""));

        var bad = Single(folder);

        Assert.StartsWith("malformed manifest: ", bad.Reason);
        Assert.Contains("entryAssembly", bad.Reason);
    }

    [Theory]
    [InlineData("\"contractVersion\": \"3.0.0\"", "\"contractVersion\": \"2.2.0\"", "built for contract 2.2.0; this host implements 3.1.0 (major versions differ)")]
    [InlineData("\"contractVersion\": \"3.0.0\"", "\"contractVersion\": \"4.0.0\"", "built for contract 4.0.0; this host implements 3.1.0 (major versions differ)")]
    [InlineData("\"sdkVersion\": \"3.0.0\"", "\"sdkVersion\": \"2.3.0\"", "built for SDK 2.3.0; this host implements 3.3.0 (major versions differ)")]
    [InlineData("\"sdkVersion\": \"3.0.0\"", "\"sdkVersion\": \"3.4.0\"", "built for SDK 3.4.0, newer than this host's 3.3.0")]
    [InlineData("\"sdkVersion\": \"3.0.0\",", "", "plugin.json declares no sdkVersion (this host's SDK is 3.3.0)")]
    public void A_plugin_built_for_another_contract_or_sdk_is_refused_with_one_line(string from, string to, string reason)
    {
        var folder = _folders.Folder("contract", ("test-good", "good"));
        var manifest = Path.Combine(folder, "good", "plugin.json");
        File.WriteAllText(manifest, File.ReadAllText(manifest).Replace(from, to));

        var bad = Single(folder);

        Assert.Equal(PluginStatus.Incompatible, bad.Status);
        Assert.Equal(reason, bad.Reason);
    }

    [Fact]
    public void No_method_in_the_assembly()
    {
        var bad = Single(TestPluginFolders.Of("test-no-method"));

        Assert.Equal(PluginStatus.Malfunctioned, bad.Status);
        Assert.Equal("no public IMethod type with a parameterless constructor in AlpacaFarm.TestPlugins.NoMethod.dll", bad.Reason);
    }

    [Fact]
    public void Duplicate_method_id_keeps_the_first()
    {
        var catalog = PluginCatalog.Load([TestPluginFolders.Of("test-good"), TestPluginFolders.Of("test-duplicate")]);

        var (first, duplicate) = (catalog.Plugins[^2].Methods.Single(), catalog.Plugins[^1].Methods.Single());
        Assert.Equal(PluginStatus.Loaded, first.Status);
        Assert.Equal(PluginStatus.Malfunctioned, duplicate.Status);
        Assert.Equal($"duplicate method id 'test-echo': already provided by {TestPluginFolders.Of("test-good")}", duplicate.Reason);
        Assert.Equal("Echo (test)", catalog.CreateMethod("test-echo").Descriptor.DisplayName);
    }

    [Fact]
    public void Duplicate_plugin_id()
    {
        var catalog = PluginCatalog.Load([_folders.Folder("twice", ("test-good", "a"), ("test-good", "b"))]);

        Assert.Equal(PluginStatus.Loaded, catalog.Plugins[^2].Status);
        Assert.Equal(PluginStatus.Malfunctioned, catalog.Plugins[^1].Status);
        Assert.StartsWith("duplicate plugin id 'test-good': already loaded from ", catalog.Plugins[^1].Reason);
    }

    [Fact]
    public void Constructor_throws()
    {
        var plugin = Single(TestPluginFolders.Of("test-throwing-constructor"));

        var method = Assert.Single(plugin.Methods);
        Assert.Equal(PluginStatus.Malfunctioned, method.Status);
        Assert.Equal("constructor of AlpacaFarm.TestPlugins.ThrowingConstructor.ThrowingMethod threw InvalidOperationException: boom in constructor", method.Reason);
    }

    [Fact]
    public void Assembly_with_a_missing_dependency_fails_to_load()
    {
        var bad = Single(TestPluginFolders.Of("test-missing-dependency"));

        Assert.Equal(PluginStatus.Malfunctioned, bad.Status);
        Assert.StartsWith("failed to load AlpacaFarm.TestPlugins.MissingDependency.dll: ", bad.Reason);
        Assert.Contains("AlpacaFarm.TestPlugins.Dependency", bad.Reason);
    }

    [Fact]
    public void A_plugins_folder_that_does_not_exist_is_an_error()
    {
        var missing = Path.Combine(Path.GetTempPath(), "alpacafarm-no-such-folder");

        var error = Assert.Throws<ArgumentException>(() => PluginCatalog.Load([missing]));
        Assert.Equal($"plugins folder not found: {missing}", error.Message);
    }

    private static PluginEntry Single(string folder) => PluginCatalog.Load([folder]).Plugins.Single(plugin => !plugin.BuiltIn);
}
