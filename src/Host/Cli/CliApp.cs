using System.CommandLine;
using System.CommandLine.Help;
using System.Runtime.InteropServices;
using AlpacaFarm.Evaluation.Outputs;
using AlpacaFarm.Host.Commands;
using AlpacaFarm.Catalog;
using AlpacaFarm.Runner.Methods;

namespace AlpacaFarm.Host.Cli;

/// <summary>The alpacafarm command line: parses, dispatches to a command, turns failures into one line and an exit code.</summary>
public static class CliApp
{
    /// <summary>Exit code for a refused command line: one that does not parse, or an argument or input refused before any work.</summary>
    public const int UsageError = 2;

    /// <summary>Exit code for a command that failed while working.</summary>
    public const int Failure = 1;

    /// <summary>Exit code after SIGINT (Ctrl+C): 128 + 2, as shells report a process that SIGINT ended.</summary>
    public const int Interrupted = 130;

    /// <summary>Exit code after SIGTERM: 128 + 15.</summary>
    public const int Terminated = 143;

    /// <summary>
    /// The process's entry: runs the command line with SIGINT and SIGTERM turned into cancellation. The first signal cancels
    /// the command, which stops at its next safe point (a training step, a generation batch), cleans up what it started and
    /// exits with one line and 130 (143 for SIGTERM); a second signal ends the process at once, as the default action does.
    /// </summary>
    public static async Task<int> RunProcessAsync(string[] args)
    {
        var console = CliConsole.System();
        using var cancel = new CancellationTokenSource();
        var signalled = 0;
        void OnSignal(PosixSignalContext context)
        {
            // The second signal is left to its default action: the user asked twice.
            if (Interlocked.CompareExchange(ref signalled, context.Signal == PosixSignal.SIGTERM ? Terminated : Interrupted, 0) != 0) return;
            context.Cancel = true;
            cancel.Cancel();
        }
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);

        var code = await RunAsync(args, console, cancel.Token);
        if (signalled != 0 && code == Interrupted) code = signalled;
        if (StrayWork.AnyRunning) ProcessExit.Immediately(code, console);
        return code;
    }

    /// <summary>Runs one command line; <paramref name="cancellationToken"/> cancels it (exit <see cref="Interrupted"/>).</summary>
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
            // Signals are this class's to handle (RunProcessAsync): System.CommandLine's own handler would end the process
            // two seconds after Ctrl+C, with libtorch work still running.
            return await parse.InvokeAsync(
                new InvocationConfiguration
                {
                    Output = console.Out, Error = console.Error, EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null,
                },
                cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            console.WriteError(CancelledMessage);
            return Interrupted;
        }
        catch (Exception e) when (Environment.GetEnvironmentVariable("ALPACAFARM_DEBUG") is null)
        {
            console.WriteError(e.Message.ReplaceLineEndings(" "));
            return IsRefusal(e) ? UsageError : Failure;
        }
    }

    /// <summary>The one line a cancelled command ends with.</summary>
    public const string CancelledMessage = "cancelled: work in progress was stopped and nothing half-made was kept (alpacafarm runs lists recorded runs)";

    /// <summary>
    /// Refusals before any work: a bad argument or value (<see cref="ArgumentException"/>, which hyperparameter errors are), a
    /// malformed input file, a method that cannot be loaded. They exit as a command line that does not parse does.
    /// </summary>
    public static bool IsRefusal(Exception e) => e is ArgumentException or InputValidationException or PluginLoadException;

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
        root.Subcommands.Add(SubmitCommand.Create(cli));
        root.Subcommands.Add(RunsCommand.Create(cli));
        root.Subcommands.Add(CurvesCommand.Create(cli));
        root.Subcommands.Add(CompareCommand.Create(cli));
        root.Subcommands.Add(HomeCommand.Create(cli));
        root.Subcommands.Add(CleanCommand.Create(cli));
        root.SetAction(parse =>
        {
            new HelpAction().Invoke(parse);
            return UsageError;
        });
        return root;
    }
}
