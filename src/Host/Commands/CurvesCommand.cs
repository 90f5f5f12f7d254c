using System.CommandLine;
using AlpacaFarm.Application.Methods;
using AlpacaFarm.Host.Cli;
using AlpacaFarm.Host.Output;
using Mediator;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace AlpacaFarm.Host.Commands;

/// <summary><c>alpacafarm curves RUN</c>: a method run's training curves (steps.csv or epochs.csv) as a PNG.</summary>
public static class CurvesCommand
{
    /// <summary>Fewer characters of a run key would match too many runs by chance.</summary>
    public const int MinimumKeyPrefix = 4;

    /// <summary>The logs a run may keep, in the order they are looked for.</summary>
    public static readonly string[] LogFiles = ["steps.csv", "epochs.csv"];

    public static Command Create(CliContext cli)
    {
        var run = new Argument<string>("RUN") { Description = "A stored row's name (e.g. ppo-default-s0) or the start of a run key, at least 4 characters (alpacafarm runs lists them)." };
        var output = new Option<string?>("--out") { Description = "The PNG to write (default: the log's name with .png, beside it in the run's folder).", HelpName = "FILE" };
        var columns = new Option<string?>("--columns") { Description = "Comma-separated columns to plot (default: every column).", HelpName = "A,B" };
        var command = new Command("curves",
            "Plot a method run's training curves: PPO's and Quark's steps.csv (one row per step), DPO's epochs.csv (one row per epoch), " +
            "a panel per column against the step or epoch. Writes one PNG; reads the run's folder (runs/KEY under the home).")
        {
            run, output, columns,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var name = parse.GetValue(run)!;
            var chosen = parse.GetValue(columns)?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            if (chosen is { Length: 0 }) throw new ArgumentException("--columns names no column");
            await using var services = cli.BuildServices(parse);
            var runs = await services.GetRequiredService<IMediator>().Send(new ListRuns(), cancellationToken);
            var matches = runs.Where(r => r.RowName == name || (name.Length >= MinimumKeyPrefix && r.RunKey.StartsWith(name, StringComparison.OrdinalIgnoreCase))).ToList();
            var found = matches.Count switch
            {
                0 => throw new ArgumentException(name.Length < MinimumKeyPrefix
                    ? $"no recorded run stored row '{name}', and a run key prefix needs at least {MinimumKeyPrefix} characters (alpacafarm runs lists the keys)"
                    : $"no recorded run stored row '{name}' or has a key starting so (alpacafarm runs lists them)"),
                1 => matches[0],
                _ => matches.All(m => m.RunKey == matches[0].RunKey) ? matches[0]
                    : throw new ArgumentException($"'{name}' names {matches.Count} runs ({string.Join(", ", matches.Select(m => m.RunKey[..12]))}): give more of the key"),
            };
            var log = LogFiles.Select(file => Path.Combine(found.WorkDirectory, file)).FirstOrDefault(File.Exists)
                ?? throw new ArgumentException($"run {found.RunKey[..12]} ({found.Method}) kept no {string.Join(" or ", LogFiles)} in {found.WorkDirectory}");
            var png = parse.GetValue(output) ?? Path.ChangeExtension(log, ".png");
            var plotted = CurvesPlot.Write(log, chosen, png);
            cli.Console.Ansi.MarkupLine($"Wrote [bold]{Markup.Escape(png)}[/]: {plotted.Count} curves from {Markup.Escape(log)}.");
            return 0;
        });
        return command;
    }
}
