namespace AlpacaFarm.Tests.Cli;

public sealed class CliBasicsTests
{
    [Fact]
    public async Task Help_exits_zero_and_lists_the_commands()
    {
        var result = await CliRunner.RunAsync("--help");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("info", result.Out);
        Assert.Contains("--home", result.Out);
    }

    [Fact]
    public async Task Unknown_command_exits_non_zero_with_one_line()
    {
        var result = await CliRunner.RunAsync("frobnicate");

        Assert.NotEqual(0, result.ExitCode);
        var lines = result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith("error:", lines[0]);
        Assert.Contains("frobnicate", lines[0]);
        Assert.Equal("", result.Out);
    }

    [Fact]
    public async Task Command_help_describes_its_options()
    {
        var result = await CliRunner.RunAsync("info", "--help");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("--json", result.Out);
    }
}
