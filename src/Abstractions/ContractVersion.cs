namespace AlpacaFarm.Abstractions;

/// <summary>
/// The semantic version of this contract. Plugins declare the version they were built against in plugin.json;
/// the host loads a plugin when the majors match and the plugin's minor is not newer than the host's.
/// </summary>
public static class ContractVersion
{
    public const int Major = 1;
    public const int Minor = 0;
    public const int Patch = 0;

    public static string Current => $"{Major}.{Minor}.{Patch}";

    /// <summary>Null when a plugin built against <paramref name="declared"/> can run here, else why not.</summary>
    public static string? Incompatibility(string declared)
    {
        if (!System.Version.TryParse(declared, out var version) || version.Build < 0 || version.Revision >= 0)
            return $"contract version '{declared}' is not MAJOR.MINOR.PATCH";
        if (version.Major != Major)
            return $"built for contract {declared}; this host implements {Current} (major versions differ)";
        if (version.Minor > Minor)
            return $"built for contract {declared}, newer than this host's {Current}";
        return null;
    }
}
