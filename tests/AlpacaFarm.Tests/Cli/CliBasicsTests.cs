using AlpacaFarm.Host.Cli;

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

        Assert.Equal(CliApp.UsageError, result.ExitCode);
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

    [Theory]
    [InlineData("leaderboard")]
    [InlineData("runs")]
    [InlineData("evaluate", "--policy", "sft", "--recipe", "tiny")]
    [InlineData("run", "--methods", "best-of-n", "--recipe", "tiny")]
    public async Task A_home_that_is_a_file_is_called_a_file(params string[] args)
    {
        var file = Path.GetTempFileName();
        try
        {
            var result = await CliRunner.RunAsync([.. args, "--home", file]);

            Assert.Equal(CliApp.UsageError, result.ExitCode);
            Assert.Equal($"error: the home '{file}' (from --home) is a file, not a directory: give a directory\n", result.Error);
            Assert.Equal(0, new FileInfo(file).Length);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task A_short_run_key_prefix_says_how_long_a_prefix_must_be()
    {
        var home = Directory.CreateTempSubdirectory("alpacafarm-curves-").FullName;
        try
        {
            var result = await CliRunner.RunAsync("curves", "abc", "--home", home);

            Assert.Equal(CliApp.UsageError, result.ExitCode);
            Assert.Equal("error: no recorded run stored row 'abc', and a run key prefix needs at least 4 characters (alpacafarm runs lists the keys)\n", result.Error);
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }
}
