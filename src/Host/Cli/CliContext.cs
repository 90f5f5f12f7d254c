using System.CommandLine;
using AlpacaFarm.Runner.Configuration;
using AlpacaFarm.Simulation;
using Microsoft.Extensions.DependencyInjection;

namespace AlpacaFarm.Host.Cli;

/// <summary>What every command's action needs: the console and the global options, turned into services.</summary>
public sealed class CliContext(CliConsole console)
{
    /// <summary>--home, recursive: accepted by every command.</summary>
    public Option<string?> Home { get; } = HomeOption();

    public CliConsole Console { get; } = console;


    private static Option<string?> HomeOption()
    {
        var home = new Option<string?>("--home")
        {
            Description = $"Home directory for the database, artifacts and caches (default: ${AlpacaFarmHome.EnvironmentVariable}, else ~/.alpacafarm).",
            Recursive = true,
        };
        // Refused at parse time: an empty value would otherwise fall back to the default home unseen.
        home.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string?>() is { } value && string.IsNullOrWhiteSpace(value))
                result.AddError($"--home is empty: give a directory, or leave --home out for ${AlpacaFarmHome.EnvironmentVariable} or ~/.alpacafarm.");
        });
        return home;
    }

    /// <summary>
    /// The service provider for one command invocation. The home's farm world (hidden where it holds a key) becomes the
    /// world of the rest of the command.
    /// </summary>
    public ServiceProvider BuildServices(ParseResult parse)
    {
        var home = AlpacaFarmHome.Resolve(parse.GetValue(Home));
        FarmWorld.Use(HiddenWorld.Read(home.Path));
        return Composition.Build(home, Console);
    }
}
