using AlpacaFarm.Host.Cli;
using System.Text.Json;
using AlpacaFarm.Tests.Catalog;

namespace AlpacaFarm.Tests.Cli;

public sealed class MethodsCommandTests : IDisposable
{
    private readonly TestPluginFolders _folders = new();

    public void Dispose() => _folders.Dispose();

    [Fact]
    public async Task Lists_the_seven_built_in_methods_and_which_are_implemented()
    {
        var result = await CliRunner.RunAsync("methods", "--json");

        Assert.Equal(0, result.ExitCode);
        var rows = JsonDocument.Parse(result.Out).RootElement.EnumerateArray().ToList();
        Assert.Equal(7, rows.Count);
        Assert.All(rows, row => Assert.Equal(PluginCatalogTests.ImplementedMethodIds.Contains(row.GetProperty("method_id").GetString()) ? "loaded" : "not-implemented",
            row.GetProperty("status").GetString()));
        Assert.Contains(rows, row => row.GetProperty("method_id").GetString() == "binary-reward-conditioning"
            && row.GetProperty("plugin_id").GetString() == "feedme"
            && row.GetProperty("kind").GetString() == "training-time");
    }

    [Fact]
    public async Task A_broken_plugin_is_listed_with_its_reason_and_the_exit_code_stays_zero()
    {
        var folder = _folders.Folder("broken", ("test-no-method", "no-method"));

        var table = await CliRunner.RunAsync("methods", "--plugins", folder);
        var json = await CliRunner.RunAsync("methods", "--plugins", folder, "--json");

        Assert.Equal(0, table.ExitCode);
        Assert.Contains("malfunctioned", table.Out);
        Assert.Contains("no public IMethod type with a parameterless constructor", table.Out);
        Assert.Equal(0, json.ExitCode);
        var rows = JsonDocument.Parse(json.Out).RootElement.EnumerateArray().ToList();
        Assert.Equal(8, rows.Count);
        var bad = Assert.Single(rows, row => row.GetProperty("status").GetString() == "malfunctioned");
        Assert.Equal("no public IMethod type with a parameterless constructor in AlpacaFarm.TestPlugins.NoMethod.dll", bad.GetProperty("reason").GetString());
        Assert.Equal(JsonValueKind.Null, bad.GetProperty("method_id").ValueKind);
    }

    [Fact]
    public async Task Strict_makes_a_broken_plugin_a_failure()
    {
        var folder = _folders.Folder("broken", ("test-no-method", "no-method"));

        var result = await CliRunner.RunAsync("methods", "--plugins", folder, "--strict");

        Assert.NotEqual(0, result.ExitCode);
    }

    [Fact]
    public async Task Strict_passes_when_all_plugins_are_good()
    {
        var result = await CliRunner.RunAsync("methods", "--plugins", TestPluginFolders.Of("test-good"), "--strict", "--json");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("\"loaded\"", result.Out);
    }

    [Fact]
    public async Task An_unknown_plugins_folder_is_one_line_and_non_zero()
    {
        var result = await CliRunner.RunAsync("methods", "--plugins", "/nonexistent/plugins");

        Assert.Equal(CliApp.UsageError, result.ExitCode);
        Assert.Equal("error: plugins folder not found: /nonexistent/plugins\n", result.Error);
    }
}
