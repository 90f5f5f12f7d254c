using AlpacaFarm.Application.Configuration;
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
        services.AddMediator(options => options.ServiceLifetime = ServiceLifetime.Singleton);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }
}
