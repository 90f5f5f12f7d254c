using System.Globalization;
using AlpacaFarm.Application.Training;
using AlpacaFarm.Host.Cli;
using AlpacaFarm.Runner.Configuration;
using AlpacaFarm.Runner.Farm;
using Spectre.Console;

namespace AlpacaFarm.Host.Output;

/// <summary>
/// Shows long farm jobs: a progress bar per stage with loss, tokens/s (or a method's own metrics) and ETA on a terminal, under
/// the benchmark's one overall bar (its stage and ETA); on a pipe or in a log, a line on standard error when a stage starts
/// and then every tenth of it, and the overall line at each stage, so standard output stays clean (JSON).
/// </summary>
public static class TrainingProgressView
{
    public static async Task<T> RunAsync<T>(CliConsole cli, Func<IProgress<TrainingStage>, Task<T>> work)
    {
        var console = cli.Ansi;
        if (!console.Profile.Capabilities.Interactive) return await work(Lines(cli.Error));
        return await console.Progress()
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                var tasks = new Dictionary<string, ProgressTask>();
                ProgressTask? overall = null;
                return await work(new ProgressRelay<TrainingStage>(stage =>
                {
                    if (stage.Overall)
                    {
                        overall ??= context.AddTask("benchmark", maxValue: Math.Max(1, stage.Total));
                        overall.MaxValue = Math.Max(1, stage.Total);
                        overall.Value = stage.Step;
                        overall.Description = $"[bold]{Markup.Escape(stage.Stage)}[/]";
                        return;
                    }
                    if (!tasks.TryGetValue(stage.Stage, out var task))
                        tasks[stage.Stage] = task = context.AddTask(Markup.Escape(stage.Stage), maxValue: Math.Max(1, stage.Total));
                    task.MaxValue = Math.Max(1, stage.Total);
                    task.Value = stage.Step;
                    task.Description = Markup.Escape(Describe(stage));
                }));
            });
    }

    private static IProgress<TrainingStage> Lines(TextWriter log)
    {
        var (current, printedTenth) = ("", -1);
        return new ProgressRelay<TrainingStage>(stage =>
        {
            if (stage.Overall)
            {
                log.WriteLine(stage.Stage);
                return;
            }
            var tenth = stage.Total > 0 ? 10 * stage.Step / stage.Total : 0;
            if (stage.Stage == current && tenth == printedTenth) return;
            (current, printedTenth) = (stage.Stage, tenth);
            // A stage without steps (a wait) is a message, not a count.
            log.WriteLine(stage.Total > 0 ? $"{Describe(stage)}: {stage.Step}/{stage.Total}" : Describe(stage));
        });
    }

    private static string Describe(TrainingStage stage)
    {
        var text = stage.Stage;
        if (stage.Training is { } training)
        {
            if (double.IsFinite(training.Loss)) text += $" · loss {training.Loss.ToString("F3", CultureInfo.InvariantCulture)}";
            if (double.IsFinite(training.TokensPerSecond) && !double.IsFinite(training.Loss))
                text += $" · {training.TokensPerSecond.ToString("F1", CultureInfo.InvariantCulture)} outputs/s";
            else if (double.IsFinite(training.TokensPerSecond))
                text += $" · {training.TokensPerSecond.ToString("N0", CultureInfo.InvariantCulture)} tok/s";
        }
        foreach (var (name, value) in stage.Metrics ?? new Dictionary<string, double>())
            text += $" · {name} {value.ToString("0.###", CultureInfo.InvariantCulture)}";
        return text;
    }
}
