using AlpacaFarm.Application.Evaluation;
using AlpacaFarm.Application.Training;
using AlpacaFarm.Leaderboard;
using AlpacaFarm.Runner.Configuration;
using AlpacaFarm.Runner.Evaluation;
using AlpacaFarm.Runner.Farm;
using AlpacaFarm.Runner.Methods;
using Microsoft.Extensions.DependencyInjection;

namespace AlpacaFarm.Host.Cli;

/// <summary>The composition root: registers the libraries' services and the Mediator's handlers.</summary>
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
        // Transient: a handler (and what it needs, such as the database) is created only when its request is sent.
        services.AddMediator(options => options.ServiceLifetime = ServiceLifetime.Transient);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }
}
