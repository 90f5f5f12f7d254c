using AlpacaFarm.Host.Cli;

namespace AlpacaFarm.Tests.Cli;

/// <summary>What one in-process run of the CLI printed and returned.</summary>
public sealed record CliResult(int ExitCode, string Out, string Error);

/// <summary>Runs an alpacafarm command line in process, capturing its exit code and output.</summary>
public static class CliRunner
{
    public static async Task<CliResult> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await CliApp.RunAsync(args, CliConsole.Capture(output, error));
        return new CliResult(exitCode, output.ToString(), error.ToString());
    }
}
