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

/// <summary><c>alpacafarm clean</c>: lists what no stored row or running run needs, and removes it with --yes.</summary>
public static class CleanCommand
{
    public static Command Create(CliContext cli)
    {
        var yes = new Option<bool>("--yes") { Description = "Remove the listed items (each decided again just before it goes). Without it, clean only lists them." };
        var json = new Option<bool>("--json") { Description = "Print JSON: the items to remove and those kept (path, kind, bytes, reason, why); with --yes also removed, skipped and failed." };
        var verbose = new Option<bool>("--verbose") { Description = "List every kept item with why, not only a count by reason." };
        var command = new Command("clean",
            "Free the space that no stored row and no running run needs, after saying what it is. Without --yes it lists the items it would remove " +
            "(path under the home, kind, size, why) and what it keeps, and removes nothing. Removable: a run folder whose runs stored no row that is " +
            "still on a board (or that no run is recorded for), an artifact or outputs file no stored row or recorded run names, a build folder its " +
            "builder left, a draw in cache/ (drawn again when needed). Kept: the database and locks/ always; a run folder whose row is stored, whose " +
            "run lock is held, or that holds PPO's resumable state of an unfinished run; anything a stored row names (by path or content hash); " +
            "anything being built; and, while a run or a build is in progress, every artifact, draw and outputs file. Exits 1 if an item could not be removed.")
        {
            yes, json, verbose,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            await using var services = cli.BuildServices(parse);
            var mediator = services.GetRequiredService<IMediator>();
            var plan = await mediator.Send(new PlanClean(), cancellationToken);
            var result = parse.GetValue(yes) && plan.Exists ? await mediator.Send(new CleanHome(plan), cancellationToken) : null;
            if (parse.GetValue(json))
            {
                cli.Console.WriteJson(new
                {
                    home = plan.Home, source = plan.Source, exists = plan.Exists, dry_run = result is null,
                    removable_bytes = plan.RemovableBytes, remove = plan.Removable, keep = plan.Kept,
                    freed_bytes = result?.FreedBytes, removed = result?.Removed, skipped = result?.Skipped, failed = result?.Failed,
                });
            }
            else
            {
                Render(cli.Console.Ansi, plan, result, parse.GetValue(verbose));
            }
            if (result is { Failed.Count: > 0 } failed)
            {
                cli.Console.WriteError($"{failed.Failed.Count} of {plan.Removable.Count} items could not be removed (first: {failed.Failed[0].Path}: {failed.Failed[0].Why})");
                return CliApp.Failure;
            }
            return 0;
        });
        return command;
    }

    private static void Render(IAnsiConsole console, CleanPlan plan, CleanResult? result, bool verbose)
    {
        var home = $"Home [bold]{Markup.Escape(plan.Home)}[/] (from {Markup.Escape(plan.Source)})";
        if (!plan.Exists)
        {
            console.MarkupLine($"{home} does not exist: nothing to clean.");
            return;
        }
        if (result is null)
        {
            if (plan.Removable.Count == 0)
            {
                console.MarkupLine($"{home}: nothing to remove, every item is needed.");
            }
            else
            {
                console.MarkupLine($"{home}: {Items(plan.Removable.Count)} to remove, {Size(plan.RemovableBytes)} to free:");
                console.Write(ItemTable(plan.Removable));
            }
        }
        else
        {
            console.MarkupLine(plan.Removable.Count == 0
                ? $"{home}: nothing to remove, every item is needed."
                : $"{home}: removed {Items(result.Removed.Count)}, freed {Size(result.FreedBytes)}.");
            if (result.Removed.Count > 0) console.Write(ItemTable(result.Removed));
            if (result.Skipped.Count > 0)
            {
                console.MarkupLine($"Skipped {Items(result.Skipped.Count)}, needed by the time of removal:");
                console.Write(ItemTable(result.Skipped));
            }
            if (result.Failed.Count > 0)
            {
                console.MarkupLine($"[red]Failed[/] to remove {Items(result.Failed.Count)}:");
                console.Write(ItemTable(result.Failed));
            }
        }
        console.MarkupLine(Markup.Escape(KeptSummary(plan.Kept)));
        if (verbose && plan.Kept.Count > 0) console.Write(ItemTable(plan.Kept));
        if (result is null && plan.Removable.Count > 0) console.MarkupLine("Nothing was removed: run again with [bold]--yes[/] to remove these.");
    }

    /// <summary>"Kept 7 items (1.2 MiB), and always the database and locks/: 6 stored (...), 1 running (...)."</summary>
    internal static string KeptSummary(IReadOnlyList<CleanItem> kept)
    {
        var always = "the database and locks/ are never removed";
        if (kept.Count == 0) return $"Kept no other item ({always}).";
        var reasons = kept.GroupBy(item => item.Reason).OrderByDescending(group => group.Count()).ThenBy(group => group.Key, StringComparer.Ordinal)
            .Select(group => $"{group.Count().ToString(CultureInfo.InvariantCulture)} {group.Key} ({Describe(group.Key)})");
        return $"Kept {Items(kept.Count)} ({ByteSizes.Format(kept.Sum(item => item.Bytes))}): {string.Join(", ", reasons)}; {always}.";
    }

    private static string Describe(string reason) => reason switch
    {
        CleanReason.Stored => "a stored row or its run needs it",
        CleanReason.Running => "its run lock is held",
        CleanReason.Resumable => "PPO's state to resume an unfinished run",
        CleanReason.Building => "its builder lock is held",
        CleanReason.InUse => "a run or build in progress may read it",
        CleanReason.Unreadable => "could not be read",
        _ => reason,
    };

    private static Table ItemTable(IEnumerable<CleanItem> items)
    {
        var table = new Table().Border(TableBorder.Rounded)
            // Paths whole, so that they can be copied; the reason in words wraps instead.
            .AddColumn(new TableColumn("path").NoWrap()).AddColumn("kind").AddColumn(new TableColumn("size").RightAligned()).AddColumn("reason").AddColumn("why");
        foreach (var item in items)
            table.AddRow(Markup.Escape(item.Path), item.Kind, ByteSizes.Format(item.Bytes), Markup.Escape(item.Reason), Markup.Escape(item.Why));
        return table;
    }

    private static string Items(int count) => $"{count.ToString(CultureInfo.InvariantCulture)} item{(count == 1 ? "" : "s")}";

    private static string Size(long bytes) => $"{ByteSizes.Format(bytes)} ({bytes.ToString("N0", CultureInfo.InvariantCulture)} bytes)";
}
