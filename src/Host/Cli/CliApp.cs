using System.CommandLine;
using System.CommandLine.Help;
using AlpacaFarm.Host.Commands;

namespace AlpacaFarm.Host.Cli;

/// <summary>The alpacafarm command line: parses, dispatches to a command, turns failures into one line and an exit code.</summary>
public static class CliApp
{
    /// <summary>Exit code for a command line that does not parse.</summary>
    public const int UsageError = 2;

    /// <summary>Exit code for a command that failed.</summary>
    public const int Failure = 1;

    public static async Task<int> RunAsync(string[] args, CliConsole console, CancellationToken cancellationToken = default)
    {
        var root = CreateRoot(new CliContext(console));
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0 && parse.Action is not HelpAction)
        {
            console.WriteError($"{parse.Errors[0].Message} Run 'alpacafarm --help' for usage.");
            return UsageError;
        }
        try
        {
            return await parse.InvokeAsync(
                new InvocationConfiguration { Output = console.Out, Error = console.Error, EnableDefaultExceptionHandler = false },
                cancellationToken);
        }
        catch (OperationCanceledException)
        {
            console.WriteError("cancelled.");
            return Failure;
        }
        catch (Exception e) when (Environment.GetEnvironmentVariable("ALPACAFARM_DEBUG") is null)
        {
            console.WriteError(e.Message);
            return Failure;
        }
    }

    private static RootCommand CreateRoot(CliContext cli)
    {
        var root = new RootCommand("AlpacaFarm.NET: a benchmark platform for methods that learn from pairwise feedback.");
        root.Options.Add(cli.Home);
        root.Subcommands.Add(InfoCommand.Create(cli));
        root.Subcommands.Add(MethodsCommand.Create(cli));
        root.Subcommands.Add(EvaluateCommand.Create(cli));
        root.Subcommands.Add(LeaderboardCommand.Create(cli));
        root.Subcommands.Add(AnnotatorsCommand.Create(cli));
        root.Subcommands.Add(FarmCommand.Create(cli));
        root.Subcommands.Add(TrainCommands.Sft(cli));
        root.Subcommands.Add(TrainCommands.RewardModel(cli));
        root.Subcommands.Add(RunCommand.Create(cli));
        root.Subcommands.Add(RunsCommand.Create(cli));
        root.Subcommands.Add(CurvesCommand.Create(cli));
        root.Subcommands.Add(CompareCommand.Create(cli));
        root.SetAction(parse =>
        {
            new HelpAction().Invoke(parse);
            return UsageError;
        });
        return root;
    }
}
