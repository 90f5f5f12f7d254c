using System.CommandLine;
using System.Globalization;
using AlpacaFarm.Application.Methods;
using AlpacaFarm.Host.Cli;
using AlpacaFarm.Host.Output;
using Mediator;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace AlpacaFarm.Host.Commands;

/// <summary><c>alpacafarm runs</c>: the recorded method runs and their status.</summary>
public static class RunsCommand
{
    public static Command Create(CliContext cli)
    {
        var json = new Option<bool>("--json") { Description = "Print JSON instead of a table." };
        var command = new Command("runs", "List the recorded method runs, newest first: status (running, succeeded, failed, cancelled, timed-out, or " +
            "interrupted: its process died without recording an outcome), reason, labels used, times, the row a succeeded run stored and its work " +
            "directory (runs/KEY under the home, with log.txt). Reads only.") { json };
        command.SetAction(async (parse, cancellationToken) =>
        {
            await using var services = cli.BuildServices(parse);
            var runs = await services.GetRequiredService<IMediator>().Send(new ListRuns(), cancellationToken);
            if (parse.GetValue(json))
            {
                cli.Console.WriteJson(runs);
                return 0;
            }
            if (runs.Count == 0)
            {
                cli.Console.Ansi.MarkupLine("No method runs recorded yet: run [bold]alpacafarm run --methods ID[/].");
                return 0;
            }
            var table = new Table().Border(TableBorder.Rounded).AddColumns("#", "method", "status", "row", "labels", "started (UTC)", "wall", "key");
            foreach (var run in runs)
            {
                var wall = run.FinishedAt is { } end ? $"{(end - run.StartedAt).TotalSeconds:F0} s" : LeaderboardFormats.Absent;
                table.AddRow(run.Id.ToString(CultureInfo.InvariantCulture), Markup.Escape($"{run.Method} {run.MethodVersion}"), Markup.Escape(run.Status),
                    Markup.Escape(run.RowName ?? LeaderboardFormats.Absent), run.LabelsUsed.ToString(CultureInfo.InvariantCulture),
                    run.StartedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture), wall, run.RunKey[..12]);
            }
            cli.Console.Ansi.Write(table);
            foreach (var run in runs.Where(run => run.Reason is not null))
                cli.Console.Ansi.MarkupLine($"#{run.Id} [red]{Markup.Escape(run.Status)}[/]: {Markup.Escape(run.Reason!)} (log: {Markup.Escape(Path.Combine(run.WorkDirectory, "log.txt"))})");
            return 0;
        });
        return command;
    }
}
