using AlpacaFarm.Application.Evaluation;
using AlpacaFarm.Application.Pipeline;
using AlpacaFarm.Application.Training;
using AlpacaFarm.Leaderboard;
using AlpacaFarm.Runner.Benchmark;
using AlpacaFarm.Runner.Configuration;
using AlpacaFarm.Runner.Evaluation;
using AlpacaFarm.Runner.Farm;
using AlpacaFarm.Runner.Methods;
using Mediator;
using Microsoft.Extensions.DependencyInjection;

namespace AlpacaFarm.Host.Cli;

/// <summary>
/// The composition root: registers the libraries' services, the Mediator's handlers and the pipeline every request goes
/// through (validation, then compute).
/// </summary>
public static class Composition
{
    public static ServiceProvider Build(AlpacaFarmHome home, CliConsole console)
    {
        var services = new ServiceCollection();
        services.AddSingleton(home);
        services.AddSingleton(console);
        // Opened on first use only: commands that never touch the leaderboard never create the database.
        services.AddSingleton(_ => LeaderboardStore.Open(Path.Combine(home.Path, LeaderboardStore.FileName)));
        services.AddTransient<SubmissionScorer>();
        services.AddTransient<FarmModels>();
        services.AddTransient<PolicyEvaluation>();
        services.AddTransient<MethodRunner>();
        services.AddTransient<BenchmarkRunner>();
        // Handlers take what opens the database or loads models as Lazy<T>: built when first used, after validation.
        services.AddTransient(typeof(Lazy<>), typeof(Deferred<>));
        // Transient: a handler is created only when its request is sent.
        services.AddMediator(options => options.ServiceLifetime = ServiceLifetime.Transient);
        // Every request's pipeline, outermost first: checked before any work, then libtorch's threads set once.
        services.AddSingleton(typeof(IPipelineBehavior<,>), typeof(ValidationBehavior<,>));
        services.AddSingleton(typeof(IPipelineBehavior<,>), typeof(ComputeBehavior<,>));
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }
}
