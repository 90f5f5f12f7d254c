using System.CommandLine;
using AlpacaFarm.Application.Leaderboards;
using AlpacaFarm.Host.Cli;
using AlpacaFarm.Host.Output;
using AlpacaFarm.Leaderboard;
using Mediator;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace AlpacaFarm.Host.Commands;

/// <summary><c>alpacafarm leaderboard</c>: every board (or one), each ranked on its own.</summary>
public static class LeaderboardCommand
{
    public static Command Create(CliContext cli)
    {
        var board = new Option<string?>("--board") { Description = "Only this board (its 12-digit id).", HelpName = "ID" };
        var sort = new Option<string>("--sort") { Description = "Rank by raw win rate or by length-controlled win rate.", DefaultValueFactory = _ => "win_rate" };
        sort.AcceptOnlyFromAmong("win_rate", "lc");
        var format = new Option<string>("--format") { Description = "table, csv (AlpacaEval's leaderboard.csv columns, then board), json or md.", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "csv", "json", "md");
        var command = new Command("leaderboard",
            "Show the leaderboard. Rows are ranked only against rows of the same board (same evaluation set, reference outputs and annotator pool). " +
            "A row with pairs no annotator could judge is incomplete: it is listed after the others without a rank, and n_unjudged says how many " +
            "(evaluate it again to complete it). " + AggregateRecord.LcStandardErrorAbsence + " Reads only: it creates no home and no database.")
        {
            board, sort, format,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            await using var services = cli.BuildServices(parse);
            var order = parse.GetValue(sort) == "lc" ? RankingOrder.LengthControlled : RankingOrder.WinRate;
            var boards = await services.GetRequiredService<IMediator>().Send(new GetLeaderboard(parse.GetValue(board), order), cancellationToken);
            switch (parse.GetValue(format))
            {
                case "csv": cli.Console.Out.Write(LeaderboardFormats.Csv(boards)); break;
                case "json": cli.Console.WriteJson(LeaderboardFormats.Json(boards)); break;
                case "md": cli.Console.Out.Write(LeaderboardFormats.Markdown(boards)); break;
                default:
                    if (boards.Count == 0) cli.Console.Ansi.MarkupLine("No evaluations stored yet: run [bold]alpacafarm evaluate[/].");
                    foreach (var ranked in boards)
                    {
                        cli.Console.Ansi.MarkupLine($"[bold]Board {ranked.Board.Id}[/]: {Markup.Escape(LeaderboardFormats.Describe(ranked.Board))}");
                        var rows = ranked.Rows.Select(row => (row.Name, row.Aggregate)).ToList();
                        cli.Console.Ansi.Write(LeaderboardFormats.Table(rows));
                        foreach (var note in LeaderboardFormats.LcNotes(rows)) cli.Console.Ansi.WriteLine(note);
                        foreach (var note in LeaderboardFormats.IntegrityNotes(rows.Select(row => (row.Name, row.Aggregate.Integrity)))) cli.Console.Ansi.WriteLine(note);
                    }
                    break;
            }
            return 0;
        });
        return command;
    }
}
