using System.CommandLine;
using AlpacaFarm.Application.Methods;
using AlpacaFarm.Host.Cli;
using AlpacaFarm.Catalog;
using Mediator;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace AlpacaFarm.Host.Commands;

/// <summary><c>alpacafarm methods</c>: the methods of the built-in and given plugins, with their status.</summary>
public static class MethodsCommand
{
    public static Command Create(CliContext cli)
    {
        var plugins = new Option<string[]>("--plugins")
        {
            Description = "Also load plugins from DIR: a plugin folder (it holds plugin.json) or a folder of plugin folders. Repeatable.",
            HelpName = "DIR",
            AllowMultipleArgumentsPerToken = false,
        };
        var json = new Option<bool>("--json") { Description = "Print JSON instead of a table." };
        var strict = new Option<bool>("--strict") { Description = "Exit non-zero when any plugin is incompatible or malfunctioned." };
        var method = new Argument<string?>("METHOD") { Description = "Show this method's hyperparameter table: name, type, default (the farm's), allowed values, the paper's value and meaning.", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("methods", "List the method plugins' methods: id, plugin, version, kind, status (loaded, not implemented, incompatible, malfunctioned) and folder.")
        {
            method, plugins, json, strict,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            await using var services = cli.BuildServices(parse);
            var listing = await services.GetRequiredService<IMediator>()
                .Send(new ListMethods(parse.GetValue(plugins) ?? []), cancellationToken);
            if (parse.GetValue(method) is { } id)
            {
                var row = listing.Rows.FirstOrDefault(row => row.MethodId == id)
                    ?? throw new ArgumentException($"unknown method '{id}' (known: {string.Join(", ", listing.Rows.Select(row => row.MethodId).OfType<string>().Order(StringComparer.Ordinal))})");
                if (parse.GetValue(json)) cli.Console.WriteJson(row);
                else RenderTable(row, cli.Console.Ansi);
                return 0;
            }
            if (parse.GetValue(json)) cli.Console.WriteJson(listing.Rows);
            else Render(listing, cli.Console.Ansi);
            return parse.GetValue(strict) && listing.AnyBad ? CliApp.Failure : 0;
        });
        return command;
    }

    private static void RenderTable(MethodRow row, IAnsiConsole console)
    {
        console.MarkupLine($"[bold]{Markup.Escape(row.MethodId!)}[/] {Markup.Escape(row.Version ?? "")} ({Markup.Escape(row.Kind ?? "")}, plugin {Markup.Escape(row.PluginId ?? "?")}): set with [bold]--set {Markup.Escape(row.MethodId!)}.KEY=VALUE[/]");
        var table = new Table().Border(TableBorder.Rounded).AddColumns("hyperparameter", "type", "default", "allowed", "paper", "meaning");
        foreach (var spec in row.Hyperparameters ?? [])
            table.AddRow(Markup.Escape(spec.Name), spec.Type.ToString().ToLowerInvariant(), Markup.Escape(spec.Default), Markup.Escape(spec.Allowed),
                Markup.Escape(spec.PaperValue ?? "–"), Markup.Escape(spec.Meaning));
        console.Write(table);
    }

    // Reasons go below the table, one line each: in a table cell they would wrap beyond reading.
    private static void Render(MethodListing listing, IAnsiConsole console)
    {
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumns("method", "plugin", "version", "kind", "status", "source");
        foreach (var row in listing.Rows)
        {
            var status = row.Status switch
            {
                PluginStatus.Loaded => "[green]loaded[/]",
                PluginStatus.NotImplemented => "[yellow]not implemented[/]",
                PluginStatus.Incompatible => "[red]incompatible[/]",
                _ => "[red]malfunctioned[/]",
            };
            table.AddRow(
                Markup.Escape(row.MethodId ?? "-"),
                Markup.Escape(row.PluginId ?? "?"),
                Markup.Escape(row.Version ?? "-"),
                Markup.Escape(row.Kind ?? "-"),
                status,
                Markup.Escape(row.BuiltIn ? "built-in" : Path.GetFileName(row.Folder)));
        }
        console.Write(table);
        foreach (var row in listing.Rows.Where(row => row.Status is PluginStatus.Incompatible or PluginStatus.Malfunctioned))
            console.MarkupLine($"[red]{Markup.Escape(row.MethodId ?? row.PluginId ?? "plugin")}[/] in {Markup.Escape(row.Folder)}: {Markup.Escape(row.Reason ?? "")}");
    }
}
