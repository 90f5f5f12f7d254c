using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using AlpacaFarm.Application.Methods;
using AlpacaFarm.Host.Cli;
using AlpacaFarm.Host.Output;
using AlpacaFarm.Leaderboard;
using AlpacaFarm.Modeling.Runtime;
using AlpacaFarm.Runner.Benchmark;
using AlpacaFarm.Runner.Farm;
using AlpacaFarm.Runner.Methods;
using Mediator;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace AlpacaFarm.Host.Commands;

/// <summary><c>alpacafarm run</c>: run method plugins on the farm and score each against the SFT baseline.</summary>
public static class RunCommand
{
    public static Command Create(CliContext cli)
    {
        var methods = new Option<string?>("--methods")
        {
            Description = "Method ids to run, comma-separated, in order (alpacafarm methods lists them). Without it: the benchmark, every built-in method " +
                "at its defaults plus the variants the paper reports as rows (Quark's token mode).",
            HelpName = "ID,ID",
        };
        var seeds = new Option<string?>("--seeds")
        {
            Description = "Seeds to run in turn, e.g. 0,1,2 or 0..4, instead of --seed: each is a fresh draw of the whole pipeline, and the closing table gives " +
                "means over seeds with their standard error across seeds.",
            HelpName = "LIST",
        };
        var set = new Option<string[]>("--set")
        {
            Description = "A hyperparameter override, METHOD.KEY=VALUE (e.g. best-of-n.n=64); repeatable. Checked against the method's typed table before any work.",
            HelpName = "METHOD.KEY=VALUE",
        };
        var training = new FarmTrainingOptions();
        var budget = new Option<int>("--label-budget")
        {
            Description = "Labels each method may ask of the training pool beyond the shared pairs; every label returned counts.",
            DefaultValueFactory = _ => MethodRunRequest.DefaultLabelBudget,
        };
        var limit = new Option<string?>("--time-limit") { Description = "Per method, training and evaluation together: 90s, 30m, 2h or hh:mm:ss. A method past it is recorded as timed out and no further method starts.", HelpName = "DURATION" };
        var plugins = new Option<string[]>("--plugins") { Description = "Also load plugins from DIR (a plugin folder or a folder of them); repeatable. Their methods run in this process only with --trust.", HelpName = "DIR" };
        var trust = new Option<bool>("--trust") { Description = "Run methods of --plugins folders inside this process (they could read anything the process can)." };
        var split = new Option<string>("--eval-split")
        {
            Description = "eval: the fixed eval-805; validation: the farm's validation split against the reference responder, on its own board (where defaults are chosen).",
            DefaultValueFactory = _ => MethodRunRequest.Eval,
        };
        split.AcceptOnlyFromAmong([.. MethodRunRequest.EvalSplits]);
        var replace = new Option<bool>("--replace")
        {
            Description = "Replace a row of the same name that another run stored (older plugin code, another label budget); without it such a method is refused before it starts.",
        };
        var json = new Option<bool>("--json") { Description = "Print the rows, outcomes, closing table and stage times as JSON (--format json)." };
        var format = new Option<string>("--format")
        {
            Description = "The closing table as table (with each seed's rows), json (rows, outcomes, table and stage times), md or csv.",
            DefaultValueFactory = _ => "table",
        };
        format.AcceptOnlyFromAmong("table", "json", "md", "csv");
        var command = new Command("run",
            "Run the benchmark, or the methods named: for each seed, trains (or finds stored) the SFT policy, the shared preference pairs and the proxy " +
            "reward model, scores the SFT baseline (sft-RECIPE-sSEED), then runs each method with the training pool behind a label budget and scores the " +
            "policy it returns (temperature 0.7, top-p 0.9) on the evaluation split; then prints the closing table: per method, simulated and gold win " +
            "rates, LC, length, the paired difference to SFT, wall time and the AlpacaFarm paper's Table 2 beside them, with three rank correlations. " +
            "Rows are named METHOD-RECIPE-sSEED, plus -bf16 for --precision bf16-mixed and -hHASH of non-default hyperparameters. Every stage is stored when made, so the same command after " +
            "an interruption finishes what is missing; a run another process is running is waited for, and so is the device's compute lease. Every run " +
            "is recorded (alpacafarm runs); exits 1 when any method fails, 2 when the command line is refused, 130 after Ctrl+C (which stops the current " +
            "step and keeps nothing half-made).")
        {
            methods, seeds, set, training.Recipe, training.Seed, training.Threads, training.Device, training.Precision, budget, limit, plugins, trust, split, replace, json, format,
        };
        command.Validators.Add(result =>
        {
            ValidateShared(result, limit, budget, seeds, training.Seed);
            if (result.GetValue(json) && result.GetResult(format) is { Implicit: false } && result.GetValue(format) != "json")
                result.AddError($"--json and --format {result.GetValue(format)} ask for two formats: give one.");
            var seen = new Dictionary<(string, string), string>();
            foreach (var item in result.GetValue(set) ?? [])
            {
                if (Override(item) is not { } o) result.AddError($"--set '{item}' is not METHOD.KEY=VALUE.");
                else if (!seen.TryAdd((o.Method, o.Key), item)) result.AddError($"--set gives {o.Method}.{o.Key} twice ('{seen[(o.Method, o.Key)]}' and '{item}'): give it once.");
            }
        });
        command.SetAction(async (parse, cancellationToken) =>
        {
            var request = new MethodRunRequest(
                parse.GetValue(methods) is { } ids ? [.. ids.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)] : null,
                (parse.GetValue(set) ?? []).Select(item => Override(item)!.Value).GroupBy(o => o.Method)
                    .ToDictionary(group => group.Key, group => (IReadOnlyDictionary<string, string>)group.ToDictionary(o => o.Key, o => o.Value)),
                parse.GetValue(training.Seed), parse.GetValue(training.Recipe)!, training.Compute(parse),
                parse.GetValue(budget), parse.GetValue(limit) is { } text ? DurationText.Parse(text) : null, parse.GetValue(plugins) ?? [], parse.GetValue(trust),
                parse.GetValue(split)!, parse.GetValue(replace));
            return await RunAndPrintAsync(cli, parse, request, seeds, training.Seed, parse.GetValue(json) ? "json" : parse.GetValue(format)!, cancellationToken);
        });
        return command;
    }

    /// <summary>The checks run and submit share: a positive --time-limit, a label budget of at least 0, --seed or --seeds.</summary>
    internal static void ValidateShared(CommandResult result, Option<string?> limit, Option<int> budget, Option<string?> seeds, Option<long> seed)
    {
        if (result.GetValue(limit) is { } text)
        {
            if (DurationText.Parse(text) is not { } duration)
                result.AddError($"--time-limit '{text}' is not a duration such as 90s, 30m, 2h or 01:30:00.");
            else if (duration <= TimeSpan.Zero)
                result.AddError($"--time-limit must be positive (got '{text}').");
        }
        if (result.GetValue(budget) < 0) result.AddError($"--label-budget must be at least 0 (got {result.GetValue(budget)}).");
        if (result.GetValue(seeds) is { } list)
        {
            if (result.GetResult(seed) is { Implicit: false }) result.AddError("give --seed or --seeds, not both.");
            try { SeedList.Parse(list); }
            catch (ArgumentException e) { result.AddError(e.Message + "."); }
        }
    }

    /// <summary>Runs <paramref name="request"/> for each seed behind a progress view and prints the report: run's and submit's end.</summary>
    internal static async Task<int> RunAndPrintAsync(CliContext cli, ParseResult parse, MethodRunRequest request, Option<string?> seeds, Option<long> seed,
        string format, CancellationToken cancellationToken)
    {
        IReadOnlyList<long> seedList = parse.GetValue(seeds) is { } list ? SeedList.Parse(list) : [parse.GetValue(seed)];
        await using var services = cli.BuildServices(parse);
        var mediator = services.GetRequiredService<IMediator>();
        // The pipeline checks the request (MethodRunner.Plan) before anything opens the database or trains.
        var send = new RunMethods(request, seedList);
        var report = await TrainingProgressView.RunAsync(cli.Console, progress => mediator.Send(send with { Progress = progress }, cancellationToken).AsTask());
        // Cancelled: the runs are recorded as cancelled and the method has stopped; the command ends with one line.
        cancellationToken.ThrowIfCancellationRequested();
        return Print(cli, report, format, seedList.Count, send.Plan.Methods.Count);
    }

    /// <summary>Prints a run's report in <paramref name="format"/> and each failed method's reason; the exit code (1 when any failed).</summary>
    private static int Print(CliContext cli, BenchmarkReport report, string format, int seeds, int methods)
    {
        switch (format)
        {
            case "json":
                cli.Console.WriteJson(new
                {
                    board = report.Summary.BoardId,
                    rows = report.Seeds.SelectMany(seed => new[] { seed.Sft }.Concat(seed.Methods)).Select(Json),
                    summary = BenchmarkFormats.Json(report.Summary),
                    // The formula behind the stages' useful GFLOP, from its one home.
                    flop_formula = ComputeMeter.Formula,
                    stages = report.Stages.Select(stage => new
                    {
                        seed = stage.Seed, stage = stage.Stage, seconds = stage.Seconds, reused = stage.Reused, succeeded = stage.Succeeded,
                        inference_tokens = stage.InferenceTokens, trained_tokens = stage.TrainedTokens, useful_gflop = stage.UsefulGflop,
                    }),
                });
                break;
            case "md": cli.Console.Out.Write(BenchmarkFormats.Markdown(report.Summary)); break;
            case "csv": cli.Console.Out.Write(BenchmarkFormats.Csv(report.Summary)); break;
            default: Render(report, cli.Console.Ansi); break;
        }
        foreach (var failed in report.Seeds.SelectMany(seed => seed.Methods).Where(outcome => !outcome.Succeeded)) cli.Console.WriteError(failed.Reason ?? failed.Status);
        return report.Complete(seeds, methods) ? 0 : CliApp.Failure;
    }

    private static (string Method, string Key, string Value)? Override(string text)
    {
        var equals = text.IndexOf('=');
        var dot = equals < 0 ? -1 : text.LastIndexOf('.', equals);
        return dot <= 0 || equals <= dot + 1 ? null : (text[..dot], text[(dot + 1)..equals], text[(equals + 1)..]);
    }

    private static object Json(MethodRunOutcome outcome) => new
    {
        outcome.Method, name = outcome.RowName, outcome.Status, outcome.Reason, outcome.Reused, run_key = outcome.RunKey,
        labels_used = outcome.LabelsUsed, method_seconds = outcome.MethodWall.TotalSeconds, evaluation_seconds = outcome.EvaluationWall.TotalSeconds,
        row = outcome.Row is { } row ? LeaderboardFormats.Row(outcome.RowName, "", row) : null,
    };

    private static void Render(BenchmarkReport report, IAnsiConsole console)
    {
        foreach (var seed in report.Seeds) Render(seed, console);
        console.MarkupLine("[bold]Benchmark[/]");
        console.Write(BenchmarkFormats.Table(report.Summary));
        foreach (var note in BenchmarkFormats.Notes(report.Summary)) console.WriteLine(note);
    }

    private static void Render(MethodRunReport report, IAnsiConsole console)
    {
        var table = new Table().Border(TableBorder.Rounded).AddColumns("name", "status", "win rate ± SE", "gold ± SE", "LC", "avg length", "labels", "wall");
        foreach (var outcome in new[] { report.Sft }.Concat(report.Methods))
        {
            var row = outcome.Row;
            table.AddRow(
                Markup.Escape(outcome.RowName),
                Markup.Escape(outcome.Reused ? "stored" : outcome.Status),
                row is null ? LeaderboardFormats.Absent : $"{LeaderboardFormats.Fixed(row.WinRate)} ± {LeaderboardFormats.Fixed(row.StandardError)}",
                row?.GoldWinRate is { } gold ? $"{LeaderboardFormats.Fixed(gold)} ± {LeaderboardFormats.Fixed(row.GoldStandardError ?? double.NaN)}" : LeaderboardFormats.Absent,
                row?.LengthControlledWinRate is { } lc ? LeaderboardFormats.Fixed(lc) : LeaderboardFormats.Absent,
                row is null ? LeaderboardFormats.Absent : ((int)row.AvgLength).ToString(CultureInfo.InvariantCulture),
                outcome.LabelsUsed.ToString(CultureInfo.InvariantCulture),
                outcome.Reused ? LeaderboardFormats.Absent : $"{(outcome.MethodWall + outcome.EvaluationWall).TotalSeconds:F0} s");
        }
        console.MarkupLine($"Board [bold]{report.Board.Id}[/]: {Markup.Escape(LeaderboardFormats.Describe(report.Board))}");
        console.Write(table);
        var scored = new[] { report.Sft }.Concat(report.Methods).Where(outcome => outcome.Row is not null).Select(outcome => (outcome.RowName, Row: outcome.Row!));
        foreach (var note in LeaderboardFormats.LcNotes(scored)) console.WriteLine(note);
        foreach (var note in LeaderboardFormats.IntegrityNotes(scored.Select(row => (row.RowName, row.Row.Integrity)))) console.WriteLine(note);
    }
}
