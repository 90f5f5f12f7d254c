using System.CommandLine;
using System.Globalization;
using AlpacaFarm.Application.Farm;
using AlpacaFarm.Host.Cli;
using AlpacaFarm.Simulation;
using Mediator;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace AlpacaFarm.Host.Commands;

/// <summary><c>alpacafarm farm</c>: the embedded farm world — regenerate and check its eval-805 file, measure its calibration.</summary>
public static class FarmCommand
{
    public static Command Create(CliContext cli)
    {
        var command = new Command("farm", $"The embedded farm world ({FarmWorld.WorldVersion}): an offline instruction world with a gold \"human\".");
        command.Subcommands.Add(Generate(cli));
        command.Subcommands.Add(Stats(cli));
        command.Subcommands.Add(Hide(cli));
        return command;
    }

    private static Command Hide(CliContext cli)
    {
        var command = new Command("hide",
            "Give a new home a hidden farm world for community boards: a fresh secret (HOME/hidden-world.key, readable by its owner only) draws the " +
            "knowledge base's attributes, the splits and eval-805, so every artifact, board and row the home makes is of that world, and a copy of the " +
            "public gold or of the committed eval-805 is wrong there. The secret is never printed or stored in a row; boards name the world by a hash " +
            "of it. Keep the key out of any repository and back it up: without it the home's results cannot be reproduced. farm generate and farm " +
            "stats keep describing the public world.");
        command.SetAction(async (parse, cancellationToken) =>
        {
            await using var services = cli.BuildServices(parse);
            var world = await services.GetRequiredService<IMediator>().Send(new HideFarmWorld(), cancellationToken);
            FarmWorld.Use(world);
            cli.Console.Out.WriteLine($"this home's farm world is now hidden: {FarmWorld.CurrentWorld}; its secret is {HiddenWorld.KeyFile} in the home (keep it private)");
            return 0;
        });
        return command;
    }

    private static Command Generate(CliContext cli)
    {
        var check = new Option<bool>("--check") { Description = "Regenerate the eval-805 file from the seed and exit non-zero unless it is byte-identical to the committed one." };
        var output = new Option<string?>("--output") { Description = "Write the regenerated file to FILE.", HelpName = "FILE" };
        var command = new Command("generate", "Regenerate the farm's eval-805 file (instructions, reference outputs, gold metadata) from its seed.") { check, output };
        command.SetAction(async (parse, cancellationToken) =>
        {
            await using var services = cli.BuildServices(parse);
            var result = await services.GetRequiredService<IMediator>().Send(new GenerateFarmEval(parse.GetValue(check), parse.GetValue(output)), cancellationToken);
            if (result.Identical == false)
            {
                cli.Console.WriteError($"farm eval-805 ({result.WorldVersion}) regenerated from the seed differs from the committed file: sha256 {result.Sha256}, committed {result.ExpectedSha256}");
                return CliApp.Failure;
            }
            var what = result.Identical == true ? "byte-identical to the committed file" : "generated";
            var where = result.WrittenTo is { } path ? $", written to {path}" : "";
            cli.Console.Out.WriteLine($"farm eval-805 ({result.WorldVersion}): {result.Rows} rows, {result.Bytes} bytes, sha256 {result.Sha256}, {what}{where}");
            return 0;
        });
        return command;
    }

    private static Command Stats(CliContext cli)
    {
        var json = new Option<bool>("--json") { Description = "Print JSON instead of tables." };
        var seed = new Option<long>("--seed") { Description = "Seed of the humans' and annotators' votes.", DefaultValueFactory = _ => FarmWorld.DefaultSeed };
        var command = new Command("stats", "Measure the farm world on its calibration set: human–human and pool–human agreement, length and position bias, win-rates of the demonstrator and its variants.")
        {
            json, seed,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            await using var services = cli.BuildServices(parse);
            var report = await services.GetRequiredService<IMediator>().Send(new MeasureFarmStats(parse.GetValue(seed)), cancellationToken);
            if (parse.GetValue(json)) cli.Console.WriteJson(report);
            else Render(report, cli.Console.Ansi);
            return 0;
        });
        return command;
    }

    private static string F(double value, string format = "0.0") => value.ToString(format, CultureInfo.InvariantCulture);

    private static void Render(FarmStatsReport report, IAnsiConsole console)
    {
        console.MarkupLine(Markup.Escape($"farm world {report.WorldVersion}, seed {report.Seed}, eval-805 sha256 {report.EvalSha256} (verified)"));
        console.MarkupLine(Markup.Escape($"calibration set: {report.Pairs} pairs (reference vs demonstrator and 4 variants), {report.HumansPerPair} simulated humans per pair, human temperature {F(report.HumanTemperature, "0.00")}"));
        var summary = new Table().Border(TableBorder.Rounded).AddColumns("measure", "value", "n");
        summary.AddRow("human–human agreement (%)", F(report.HumanHumanAgreement), report.HumanHumanVotes.ToString(CultureInfo.InvariantCulture));
        summary.AddRow("pool vs human agreement (%)", F(report.PoolHumanAgreement), report.Pairs.ToString(CultureInfo.InvariantCulture));
        summary.AddRow("members vs human agreement, mean (%)", F(report.MeanMemberHumanAgreement), (report.Pairs * report.Members.Count).ToString(CultureInfo.InvariantCulture));
        summary.AddRow("pool vs gold agreement (%)", F(report.PoolGoldAgreement), report.GoldPairs.ToString(CultureInfo.InvariantCulture));
        summary.AddRow("human vs gold agreement (%)", F(report.HumanGoldAgreement), report.GoldPairs.ToString(CultureInfo.InvariantCulture));
        summary.AddRow("P(prefer longer): gold / humans / pool", $"{F(report.GoldPreferLonger, "0.00")} / {F(report.HumanPreferLonger, "0.00")} / {F(report.PoolPreferLonger, "0.00")}", report.LongerPairs.ToString(CultureInfo.InvariantCulture));
        summary.AddRow("pool P(prefer first shown)", F(report.PoolPreferFirst, "0.00"), report.Pairs.ToString(CultureInfo.InvariantCulture));
        console.Write(summary);

        var members = new Table().Border(TableBorder.Rounded).AddColumns("member", "agree human %", "agree gold %", "P(longer)", "P(first)", "n", "bias");
        foreach (var m in report.Members)
            members.AddRow(Markup.Escape(m.Id), F(m.HumanAgreement), F(m.GoldAgreement), F(m.PreferLonger, "0.00"), F(m.PreferFirst, "0.00"),
                m.Pairs.ToString(CultureInfo.InvariantCulture), Markup.Escape(m.Bias));
        console.Write(members);

        var variants = new Table().Border(TableBorder.Rounded).AddColumns("vs reference", "simulated win-rate", "gold win-rate", "mean gold", "avg length", "n");
        foreach (var v in report.Variants)
            variants.AddRow(Markup.Escape(v.Variant), $"{F(v.SimulatedWinRate)} ± {F(v.SimulatedStandardError)}", $"{F(v.GoldWinRate)} ± {F(v.GoldStandardError)}",
                F(v.MeanGoldScore, "0.00"), F(v.AvgLength, "0"), v.Pairs.ToString(CultureInfo.InvariantCulture));
        console.Write(variants);
    }
}
