using System.CommandLine;
using System.Globalization;
using AlpacaFarm.Application.Home;
using AlpacaFarm.Host.Cli;
using AlpacaFarm.Host.Output;
using AlpacaFarm.Runner.Configuration;
using Mediator;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace AlpacaFarm.Host.Commands;

/// <summary><c>alpacafarm home</c>: where the home is and its size by kind.</summary>
public static class HomeCommand
{
    public static Command Create(CliContext cli)
    {
        var json = new Option<bool>("--json") { Description = "Print JSON (home, source, exists, parts with kind, bytes, count and by_kind, total_bytes) instead of a table." };
        var command = new Command("home",
            "Show the home directory (and which rule chose it: --home, $" + AlpacaFarmHome.EnvironmentVariable + " or the default) and its size by kind: " +
            "the database, the artifacts (SFT policies, preference pairs, reward models; counted by kind), the runs' work directories, the draws (the " +
            "methods' caches under cache/), the outputs files and anything else (locks). Sizes are the files' lengths, so the kinds add up to the total. " +
            "Reads only: a home that does not exist is said so and not created. alpacafarm clean frees what no stored row needs.")
        {
            json,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            await using var services = cli.BuildServices(parse);
            var usage = await services.GetRequiredService<IMediator>().Send(new MeasureHome(), cancellationToken);
            if (parse.GetValue(json))
            {
                cli.Console.WriteJson(usage);
                return 0;
            }
            var console = cli.Console.Ansi;
            if (!usage.Exists)
            {
                console.MarkupLine($"Home [bold]{Markup.Escape(usage.Home)}[/] (from {Markup.Escape(usage.Source)}) does not exist yet: it holds nothing. " +
                    "The first command that stores something creates it.");
                return 0;
            }
            console.MarkupLine($"Home [bold]{Markup.Escape(usage.Home)}[/] (from {Markup.Escape(usage.Source)})");
            var table = new Table().Border(TableBorder.Rounded)
                .AddColumn("kind").AddColumn(new TableColumn("size").RightAligned()).AddColumn(new TableColumn("bytes").RightAligned()).AddColumn("holds");
            foreach (var part in usage.Parts)
                table.AddRow(part.Kind, ByteSizes.Format(part.Bytes), Number(part.Bytes), Markup.Escape(Holds(part)));
            table.AddRow("[bold]total[/]", $"[bold]{ByteSizes.Format(usage.TotalBytes)}[/]", $"[bold]{Number(usage.TotalBytes)}[/]", "");
            console.Write(table);
            return 0;
        });
        return command;
    }

    private static string Number(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>What a part's count counts, in words.</summary>
    internal static string Holds(HomeUsagePart part) => part.Kind switch
    {
        HomeUsage.Database => Count(part.Count, "file"),
        HomeUsage.ArtifactsKind => Count(part.Count, "artifact") + (part.ByKind.Count == 0 ? "" : ": " + string.Join(", ", part.ByKind.Select(kind => $"{kind.Key} {kind.Value}"))),
        HomeUsage.RunsKind => Count(part.Count, "run folder"),
        HomeUsage.Draws => Count(part.Count, "draw") + " in cache/",
        HomeUsage.OutputsKind => Count(part.Count, "outputs file"),
        _ => Count(part.Count, "file") + " (locks/ and anything else under the home)",
    };

    private static string Count(int count, string noun) => $"{count.ToString(CultureInfo.InvariantCulture)} {noun}{(count == 1 ? "" : "s")}";
}
