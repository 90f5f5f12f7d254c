using System.CommandLine;
using AlpacaFarm.Application.Annotators;
using AlpacaFarm.Application.Evaluation;
using AlpacaFarm.Evaluation.Annotators;
using AlpacaFarm.Host.Cli;
using AlpacaFarm.Host.Output;
using AlpacaFarm.Leaderboard;
using AlpacaFarm.Runner.Annotators;
using AlpacaFarm.Runner.Evaluation;
using Mediator;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace AlpacaFarm.Host.Commands;

/// <summary><c>alpacafarm evaluate</c>: score outputs (or import judgments) and add the row to the leaderboard.</summary>
public static class EvaluateCommand
{
    public static Command Create(CliContext cli)
    {
        var outputs = new Option<FileInfo?>("--outputs") { Description = "Model outputs in AlpacaEval's model_outputs.json format (instruction, output, generator, dataset; an optional input is merged into the instruction).", HelpName = "FILE" };
        var annotations = new Option<FileInfo?>("--annotations") { Description = "Instead of outputs: pairwise judgments in AlpacaEval's annotations.json format, scored without asking any annotator.", HelpName = "FILE" };
        var reference = new Option<string?>("--reference") { Description = "Reference outputs that define the evaluation set (model_outputs.json format), or 'farm' for the farm world's eval-805. Required with --outputs.", HelpName = "FILE|farm" };
        var annotators = new Option<string?>("--annotators") { Description = $"Annotator pool: {string.Join(", ", AnnotatorPools.Names)} (LLM judges; keys from the environment variables their file names), or a pool file. Default: the farm pool on the farm's eval-805, the offline pool on real text.", HelpName = "NAME|FILE" };
        var name = new Option<string?>("--name") { Description = "Leaderboard name (default: the outputs' generator).", HelpName = "NAME" };
        var seed = new Option<long>("--seed") { Description = "Seed for the annotator assignment and the order outputs are shown in.", DefaultValueFactory = _ => 0 };
        var replace = new Option<bool>("--replace") { Description = "Replace a stored row of the same name whose content or seed differs." };
        var json = new Option<bool>("--json") { Description = "Print the row as JSON." };
        var policy = new Option<string?>("--policy") { Description = "Instead of outputs: generate on the farm's eval-805 with 'sft' (trained or cached) or a policy checkpoint folder, at AlpacaFarm's evaluation decoding (temperature 0.7, top-p 0.9), then score.", HelpName = "sft|DIR" };
        var training = new FarmTrainingOptions();
        var command = new Command("evaluate",
            "Score a submission against the reference outputs and store it on its board. Columns as AlpacaEval: win_rate = 100·mean(p−1) with draws at 1.5, " +
            "standard_error = 100·SEM, counts, discrete_win_rate, avg_length (code points), and length_controlled_winrate: AlpacaEval 2's GLM " +
            "(tanh of the standardised length difference plus a model term, L1 logistic regression, 5-fold CV) without the instruction-difficulty " +
            "term and the gamed-baseline regularisation, whose tables are not supplied. " + AggregateRecord.LcStandardErrorAbsence + " " +
            "Pairs no annotator could judge (a judge server down) are stored as unjudged: the row is incomplete, unranked, and the command exits " +
            "non-zero; running it again judges only those pairs and completes the row.")
        {
            outputs, annotations, policy, reference, annotators, name, seed, replace, json, training.Recipe, training.Threads, training.Device, training.Precision,
        };
        command.Validators.Add(result =>
        {
            var given = new[] { result.GetValue(outputs) is not null, result.GetValue(annotations) is not null, result.GetValue(policy) is not null };
            if (given.Count(g => g) != 1) result.AddError("give exactly one of --outputs, --annotations and --policy.");
            else if (given[0] && result.GetValue(reference) is null) result.AddError("--outputs needs --reference FILE|farm.");
            else if (given[2] && result.GetValue(reference) is not (null or "farm")) result.AddError("--policy generates on the farm's eval-805: --reference farm or nothing.");
            if (result.GetValue(name) is { } givenName && SubmissionName.Problem(givenName) is { } problem) result.AddError($"--name {problem}.");
        });
        command.SetAction(async (parse, cancellationToken) =>
        {
            var compute = parse.GetValue(policy) is null ? null : training.Compute(parse);
            await using var services = cli.BuildServices(parse);
            var mediator = services.GetRequiredService<IMediator>();
            EvaluationReport report;
            if (parse.GetValue(policy) is { } policyName)
            {
                var request = new EvaluatePolicy(policyName, parse.GetValue(training.Recipe)!, parse.GetValue(seed), parse.GetValue(annotators), parse.GetValue(name),
                    parse.GetValue(replace), compute!);
                var result = await TrainingProgressView.RunAsync(cli.Console, progress => mediator.Send(request with { Progress = progress }, cancellationToken).AsTask());
                cli.Console.Error.WriteLine($"outputs written to {result.OutputsFile} (temperature {result.Decoding.Temperature}, top-p {result.Decoding.TopP}, seed {result.Decoding.Seed})");
                report = result.Report;
            }
            else if (parse.GetValue(annotations) is { } annotationsFile)
            {
                report = await mediator.Send(new ImportAnnotations(annotationsFile.FullName, parse.GetValue(name), parse.GetValue(replace)), cancellationToken);
            }
            else
            {
                var request = new EvaluateOutputs(parse.GetValue(outputs)!.FullName, parse.GetValue(reference)!, parse.GetValue(annotators),
                    parse.GetValue(name), parse.GetValue(seed), parse.GetValue(replace));
                report = cli.Console.Ansi.Profile.Capabilities.Interactive
                    ? await WithProgress(cli.Console.Ansi, request, (r, ct) => mediator.Send(r, ct).AsTask(), cancellationToken)
                    : await mediator.Send(request, cancellationToken);
            }
            foreach (var warning in report.Warnings) cli.Console.Error.WriteLine($"warning: {warning}");
            if (parse.GetValue(json)) cli.Console.WriteJson(LeaderboardFormats.Row(report.Name, report.Board.Id, report.Aggregate));
            else Render(report, cli.Console.Ansi);
            if (report.Aggregate.IsComplete) return 0;
            cli.Console.WriteError($"{report.Aggregate.NUnjudged} pairs could not be judged: the row is stored as incomplete and is not ranked; " +
                "run the same command again to judge them (the judged pairs are cached).");
            return CliApp.Failure;
        });
        return command;
    }

    private static Task<EvaluationReport> WithProgress(IAnsiConsole console, EvaluateOutputs request,
        Func<EvaluateOutputs, CancellationToken, Task<EvaluationReport>> send, CancellationToken cancellationToken) =>
        console.Progress().AutoClear(true).HideCompleted(true).StartAsync(async context =>
        {
            var task = context.AddTask("annotating pairs", autoStart: true, maxValue: 1);
            return await send(request with
            {
                Progress = (done, total) =>
                {
                    task.MaxValue = total;
                    task.Value = done;
                },
            }, cancellationToken);
        });

    private static void Render(EvaluationReport report, IAnsiConsole console)
    {
        var what = report.Outcome switch
        {
            Leaderboard.SaveOutcome.Unchanged => report.AnnotatorCalls == 0
                ? "already stored with the same content and seed: nothing asked, nothing written"
                : "already stored with the same content and seed, and no fewer pairs judged: nothing written",
            Leaderboard.SaveOutcome.Replaced => "replaced the stored row",
            Leaderboard.SaveOutcome.Completed => "completed the stored row's unjudged pairs",
            _ => "added",
        };
        console.MarkupLine($"[bold]{Markup.Escape(report.Name)}[/] on board [bold]{report.Board.Id}[/] ({Markup.Escape(report.Board.EvaluationSetName)} vs {Markup.Escape(report.Board.ReferenceName)}, pool {Markup.Escape(report.Board.PoolName)}): {what}; {report.AnnotatorCalls} pairs sent to annotators.");
        console.Write(LeaderboardFormats.Table([(report.Name, report.Aggregate)]));
        foreach (var note in LeaderboardFormats.LcNotes([(report.Name, report.Aggregate)])) console.WriteLine(note);
        foreach (var note in LeaderboardFormats.IntegrityNotes([(report.Name, report.Aggregate.Integrity)])) console.WriteLine(note);
    }
}
