using System.CommandLine;
using AlpacaFarm.Application.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace AlpacaFarm.Host.Cli;

/// <summary>What every command's action needs: the console and the global options, turned into services.</summary>
public sealed class CliContext(CliConsole console)
{
    /// <summary>--home, recursive: accepted by every command.</summary>
    public Option<string?> Home { get; } = new("--home")
    {
        Description = $"Home directory for the database, artifacts and caches (default: ${AlpacaFarmHome.EnvironmentVariable}, else ~/.alpacafarm).",
        Recursive = true,
    };

    public CliConsole Console { get; } = console;

    /// <summary>The service provider for one command invocation.</summary>
    public ServiceProvider BuildServices(ParseResult parse) =>
        Composition.Build(AlpacaFarmHome.Resolve(parse.GetValue(Home)), Console);
}
