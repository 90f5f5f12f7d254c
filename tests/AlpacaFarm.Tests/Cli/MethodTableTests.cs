using AlpacaFarm.Host.Cli;
using System.Text.Json;

namespace AlpacaFarm.Tests.Cli;

/// <summary><c>alpacafarm methods ID</c>: a method's typed hyperparameter table.</summary>
public sealed class MethodTableTests
{
    [Fact]
    public async Task A_methods_table_lists_each_hyperparameter_with_default_range_and_paper_value()
    {
        var table = await CliRunner.RunAsync("methods", "best-of-n");
        var json = await CliRunner.RunAsync("methods", "best-of-n", "--json");

        Assert.Equal(0, table.ExitCode);
        Assert.Contains("│ n              │ int   │ 16      │ an integer in [1, 4096] │ 16    │", table.Out);
        var specs = JsonDocument.Parse(json.Out).RootElement.GetProperty("hyperparameters");
        Assert.Equal(["n", "temperature", "top_p", "max_new_tokens"], specs.EnumerateArray().Select(spec => spec.GetProperty("name").GetString()));
    }

    [Fact]
    public async Task An_unknown_method_lists_the_known_ones()
    {
        var result = await CliRunner.RunAsync("methods", "bon");

        Assert.Equal(CliApp.UsageError, result.ExitCode);
        Assert.StartsWith("error: unknown method 'bon' (known: best-of-n, binary-feedme,", result.Error);
    }
}
