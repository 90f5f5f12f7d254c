using System.CommandLine;
using System.Globalization;
using AlpacaFarm.Application.Leaderboards;
using AlpacaFarm.Host.Cli;
using AlpacaFarm.Host.Output;
using AlpacaFarm.Runner.Evaluation;
using Mediator;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace AlpacaFarm.Host.Commands;

/// <summary><c>alpacafarm compare A B</c>: row A minus row B with the paired standard error.</summary>
public static class CompareCommand
{
    public static Command Create(CliContext cli)
    {
        var a = new Argument<string>("A") { Description = "A row's name (e.g. best-of-n-default-s0)." };
        var b = new Argument<string>("B") { Description = "The row it is compared with (e.g. sft-default-s0)." };
        var board = new Option<string?>("--board") { Description = "The board, when both names are on several.", HelpName = "ID" };
        var json = new Option<bool>("--json") { Description = "Print simulated_difference, simulated_paired_se, gold_difference and gold_paired_se (null off the farm) as JSON." };
        var byDataset = new Option<bool>("--by-dataset")
        {
            Description = "Also break the difference down by the outputs' dataset (the farm's instruction families), with paired SEs and each row's mean " +
                "output length (code points); in JSON as by_dataset.",
        };
        var command = new Command("compare",
            "Compare two rows of one board on the instructions judged in both: the win-rate difference A − B, simulated and (on the farm) gold, with the " +
            "paired standard error of the per-instruction differences, 100·SEM(p_A − p_B). The pairing removes the instructions' shared difficulty, so it " +
            "is far smaller than either row's own SE; |difference| > 2 paired SE is the usual bar for \"A beats B\". Reads only.")
        {
            a, b, board, json, byDataset,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            await using var services = cli.BuildServices(parse);
            var c = await services.GetRequiredService<IMediator>().Send(new CompareRows(parse.GetValue(a)!, parse.GetValue(b)!, parse.GetValue(board)), cancellationToken);
            if (parse.GetValue(json))
            {
                cli.Console.WriteJson(new
                {
                    board = c.BoardId, a = c.A, b = c.B, pairs = c.Pairs,
                    simulated_a = c.SimulatedA, simulated_b = c.SimulatedB, simulated_difference = c.SimulatedDifference, simulated_paired_se = c.SimulatedPairedSe,
                    gold_a = c.GoldA, gold_b = c.GoldB, gold_difference = c.GoldDifference, gold_paired_se = c.GoldPairedSe,
                    integrity_a = c.IntegrityA.Select(flag => new { id = flag.Id, detail = flag.Detail, unranks = flag.Unranks }),
                    integrity_b = c.IntegrityB.Select(flag => new { id = flag.Id, detail = flag.Detail, unranks = flag.Unranks }),
                    by_dataset = parse.GetValue(byDataset) ? c.ByDataset.Select(d => new
                    {
                        dataset = d.Dataset, pairs = d.Pairs, simulated_difference = d.SimulatedDifference, simulated_paired_se = Finite(d.SimulatedPairedSe),
                        gold_difference = d.GoldDifference, gold_paired_se = d.GoldPairedSe is { } g ? Finite(g) : null, avg_length_a = d.LengthA, avg_length_b = d.LengthB,
                    }).ToList() : null,
                });
                return 0;
            }
            var table = new Table().Border(TableBorder.Rounded).AddColumns("", Markup.Escape(c.A), Markup.Escape(c.B), "difference", "paired SE", "difference / SE");
            table.AddRow("simulated win rate", LeaderboardFormats.Fixed(c.SimulatedA), LeaderboardFormats.Fixed(c.SimulatedB), LeaderboardFormats.Fixed(c.SimulatedDifference), LeaderboardFormats.Fixed(c.SimulatedPairedSe), Ratio(c.SimulatedDifference, c.SimulatedPairedSe));
            if (c.GoldDifference is { } gold)
                table.AddRow("gold win rate", LeaderboardFormats.Fixed(c.GoldA!.Value), LeaderboardFormats.Fixed(c.GoldB!.Value), LeaderboardFormats.Fixed(gold), LeaderboardFormats.Fixed(c.GoldPairedSe!.Value), Ratio(gold, c.GoldPairedSe.Value));
            cli.Console.Ansi.MarkupLine($"Board [bold]{c.BoardId}[/], {c.Pairs} instructions judged in both rows.");
            cli.Console.Ansi.Write(table);
            foreach (var note in LeaderboardFormats.IntegrityNotes([(c.A, c.IntegrityA), (c.B, c.IntegrityB)])) cli.Console.Ansi.WriteLine(note);
            if (parse.GetValue(byDataset)) cli.Console.Ansi.Write(DatasetTable(c));
            return 0;
        });
        return command;
    }

    private static Table DatasetTable(RowComparison c)
    {
        var gold = c.GoldDifference is not null;
        var table = new Table().Border(TableBorder.Rounded).AddColumns("dataset", "pairs", "simulated A − B", "paired SE");
        if (gold) table.AddColumns("gold A − B", "paired SE");
        table.AddColumns($"avg length {Markup.Escape(c.A)}", $"avg length {Markup.Escape(c.B)}");
        foreach (var d in c.ByDataset)
        {
            List<string> cells = [Markup.Escape(d.Dataset), d.Pairs.ToString(CultureInfo.InvariantCulture),
                LeaderboardFormats.Fixed(d.SimulatedDifference), LeaderboardFormats.Fixed(d.SimulatedPairedSe)];
            if (gold) cells.AddRange([LeaderboardFormats.Fixed(d.GoldDifference), LeaderboardFormats.Fixed(d.GoldPairedSe)]);
            cells.AddRange([d.LengthA.ToString("F0", CultureInfo.InvariantCulture), d.LengthB.ToString("F0", CultureInfo.InvariantCulture)]);
            table.AddRow([.. cells]);
        }
        return table;
    }

    private static double? Finite(double value) => double.IsFinite(value) ? value : null;

    /// <summary>difference / SE to one decimal with its sign; a ratio that rounds to zero is "0.0" (not "-+0.0", as .NET writes a negative one).</summary>
    internal static string Ratio(double difference, double se) =>
        se > 0 ? (Math.Round(difference / se, 1) + 0.0).ToString("+0.0;-0.0;0.0", CultureInfo.InvariantCulture) : LeaderboardFormats.Absent;
}
