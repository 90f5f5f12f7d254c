using System.CommandLine;
using System.Globalization;
using AlpacaFarm.Application.Training;
using AlpacaFarm.Host.Cli;
using AlpacaFarm.Host.Output;
using AlpacaFarm.Runner.Farm;
using Mediator;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace AlpacaFarm.Host.Commands;

/// <summary><c>alpacafarm sft</c> and <c>alpacafarm reward-model</c>: the farm's shared models, trained once and cached.</summary>
public static class TrainCommands
{
    public static Command Sft(CliContext cli)
    {
        var options = new FarmTrainingOptions();
        var command = new Command("sft", "Train the SFT policy on the farm's sft split (the demonstrator's 10k demonstrations), or reuse the cached one.");
        options.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var compute = options.Compute(parse);
            await using var services = cli.BuildServices(parse);
            var mediator = services.GetRequiredService<IMediator>();
            var result = await TrainingProgressView.RunAsync(cli.Console, progress =>
                mediator.Send(new TrainSft(parse.GetValue(options.Recipe)!, parse.GetValue(options.Seed), compute, progress), cancellationToken).AsTask());
            Summary(cli.Console.Ansi, "SFT policy", result);
            return 0;
        });
        return command;
    }

    public static Command RewardModel(CliContext cli)
    {
        var options = new FarmTrainingOptions();
        var command = new Command("reward-model",
            "Train the proxy reward model: sample two SFT outputs per preference-split instruction, label them with the farm's training pool " +
            "(25% flips), train the SFT backbone plus a scalar head; report held-out accuracy on the noisy labels, the pool's noiseless labels and gold. " +
            "Every stage is cached.");
        options.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var compute = options.Compute(parse);
            await using var services = cli.BuildServices(parse);
            var mediator = services.GetRequiredService<IMediator>();
            var report = await TrainingProgressView.RunAsync(cli.Console, progress =>
                mediator.Send(new TrainRewardModel(parse.GetValue(options.Recipe)!, parse.GetValue(options.Seed), compute, progress), cancellationToken).AsTask());
            Summary(cli.Console.Ansi, "SFT policy", report.Sft);
            Summary(cli.Console.Ansi, "preference data", report.PreferenceData);
            Summary(cli.Console.Ansi, "reward model", report.RewardModel);
            return 0;
        });
        return command;
    }

    private static void Summary(IAnsiConsole console, string what, TrainedArtifact artifact)
    {
        var metrics = string.Join(", ", artifact.Metrics.Select(metric => $"{metric.Key} {Format(metric.Value)}"));
        var how = artifact.Reused ? "reused from the cache" : $"trained in {artifact.Wall.TotalSeconds.ToString("F0", CultureInfo.InvariantCulture)} s";
        console.MarkupLine($"[bold]{what}[/]: {how}; {Markup.Escape(metrics)}");
        console.MarkupLine($"  {Markup.Escape(artifact.Handle.Path)}");
    }

    private static string Format(double value) =>
        Math.Abs(value) >= 100 || value == Math.Floor(value) ? value.ToString("N0", CultureInfo.InvariantCulture) : value.ToString("F4", CultureInfo.InvariantCulture);
}
