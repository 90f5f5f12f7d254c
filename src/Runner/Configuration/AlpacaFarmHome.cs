namespace AlpacaFarm.Runner.Configuration;

/// <summary>Where the platform keeps its state (database, artifacts, caches): never inside the repository.</summary>
/// <param name="Path">Absolute path of the home directory.</param>
/// <param name="Source">Which rule chose it: --home, ALPACAFARM_HOME or default.</param>
public sealed record AlpacaFarmHome(string Path, string Source)
{
    public const string EnvironmentVariable = "ALPACAFARM_HOME";

    /// <summary>
    /// --home, else ALPACAFARM_HOME, else ~/.alpacafarm. An empty --home is an error, never the default; so is a home that is
    /// an existing file.
    /// </summary>
    public static AlpacaFarmHome Resolve(string? option)
    {
        if (option is not null)
            return string.IsNullOrWhiteSpace(option)
                ? throw new ArgumentException("--home is empty: give a directory, or leave --home out.", nameof(option))
                : Checked(new(System.IO.Path.GetFullPath(option), "--home"));
        var fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment)) return Checked(new(System.IO.Path.GetFullPath(fromEnvironment), EnvironmentVariable));
        var user = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return Checked(new(System.IO.Path.Combine(user, ".alpacafarm"), "default"));
    }

    private static AlpacaFarmHome Checked(AlpacaFarmHome home) => File.Exists(home.Path)
        ? throw new ArgumentException($"the home '{home.Path}' (from {home.Source}) is a file, not a directory: give a directory")
        : home;
}
