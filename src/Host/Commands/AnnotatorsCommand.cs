using System.CommandLine;
using System.Globalization;
using AlpacaFarm.Application.Annotators;
using AlpacaFarm.Evaluation.Agreement;
using AlpacaFarm.Evaluation.Annotators;
using AlpacaFarm.Host.Cli;
using AlpacaFarm.Runner.Annotators;
using Mediator;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace AlpacaFarm.Host.Commands;

/// <summary><c>alpacafarm annotators</c>: the annotator pools and their members; <c>annotators agreement</c>: how they agree with published judgments.</summary>
public static class AnnotatorsCommand
{
    public static Command Create(CliContext cli)
    {
        var json = new Option<bool>("--json") { Description = "Print JSON instead of a table." };
        var command = new Command("annotators", $"List the annotator pools and their members: id, kind (offline judge, rule or LLM judge), model, batch size, parser and who each stands in for. The default pool is '{BuiltInPools.Default}'.")
        {
            json, Agreement(cli),
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            await using var services = cli.BuildServices(parse);
            var rows = await services.GetRequiredService<IMediator>().Send(new ListAnnotators(), cancellationToken);
            if (parse.GetValue(json))
            {
                cli.Console.WriteJson(rows);
                return 0;
            }
            var table = new Table().Border(TableBorder.Rounded).AddColumns("pool", "member", "kind", "model", "batch", "parser", "description");
            foreach (var row in rows)
                table.AddRow(Markup.Escape(row.Pool + (row.Default ? " (default)" : "")), Markup.Escape(row.Member), row.Kind,
                    Markup.Escape(row.Model ?? "-"), row.BatchSize?.ToString(CultureInfo.InvariantCulture) ?? "-", row.Parser ?? "-", Markup.Escape(row.Description));
            cli.Console.Ansi.Write(table);
            return 0;
        });
        return command;
    }

    private static Command Agreement(CliContext cli)
    {
        var annotations = new Option<FileInfo[]>("--annotations")
        {
            Description = "AlpacaEval annotations.json files (one judged model each). Several may follow one --annotations.",
            HelpName = "FILE",
            Required = true,
            AllowMultipleArgumentsPerToken = true,
        };
        var annotators = new Option<string>("--annotators")
        {
            Description = $"Annotator pool: {string.Join(", ", AnnotatorPools.Names)}, or a pool file (offline or LLM judges).",
            HelpName = "NAME|FILE",
            DefaultValueFactory = _ => BuiltInPools.Default,
        };
        var seed = new Option<long>("--seed") { Description = "Seed for the member assignment and the order outputs are shown in.", DefaultValueFactory = _ => 0 };
        var json = new Option<bool>("--json") { Description = "Print JSON instead of tables." };
        var command = new Command("agreement",
            "Per-instruction agreement of a pool, of each member and of 'longest' with the judgments in annotations.json files. Rows judged a draw " +
            "(preference 1.5 or 0) or unparsed (null) are excluded; an annotator's soft preference rounds to the nearer output and exactly 1.5 counts half. " +
            "Interval: 95% Wilson score. P(longer): share of pairs whose lengths differ by more than 30 code points where the annotator prefers the longer. " +
            "P(first): share of verdicts, each pair asked in both shown orders, that favour the output shown first (0.5 = no position bias).")
        {
            annotations, annotators, seed, json,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            await using var services = cli.BuildServices(parse);
            var report = await services.GetRequiredService<IMediator>().Send(
                new MeasureAgreement(parse.GetValue(annotations)!.Select(file => file.FullName).ToList(), parse.GetValue(annotators)!, parse.GetValue(seed)),
                cancellationToken);
            if (parse.GetValue(json)) cli.Console.WriteJson(report);
            else Render(report, cli.Console.Ansi);
            return 0;
        });
        return command;
    }

    private static void Render(AgreementReport report, IAnsiConsole console)
    {
        foreach (var file in report.Files)
        {
            console.MarkupLine($"[bold]{Markup.Escape(Path.GetFileName(file.Path))}[/]: {Markup.Escape(file.Generator2)} vs {Markup.Escape(file.Generator1)}, " +
                $"judged by {Markup.Escape(file.Judge)}; {file.Rows} rows, {file.Decisive} without a draw; the judge's own P(longer) {Percent(file.JudgePreferLonger)}; " +
                $"pool {Markup.Escape(report.Pool)}, seed {report.Seed}.");
            var table = new Table().Border(TableBorder.Rounded).AddColumns("annotator", "kind", "pairs", "agreement", "95% CI", "P(longer)", "P(first)");
            foreach (var column in table.Columns.Skip(2)) column.RightAligned();
            foreach (var row in file.Annotators)
            {
                var name = row.Kind == "member" ? "  " + row.Annotator : row.Annotator;
                table.AddRow(Markup.Escape(name), row.Kind, row.Pairs.ToString(CultureInfo.InvariantCulture), Percent(row.Agreement),
                    $"{Percent(row.Low)}–{Percent(row.High)}", Percent(row.PreferLonger), Percent(row.FirstPosition));
            }
            console.Write(table);
        }
    }

    private static string Percent(double value) => double.IsNaN(value) ? "-" : (100 * value).ToString("0.0", CultureInfo.InvariantCulture) + "%";
}
