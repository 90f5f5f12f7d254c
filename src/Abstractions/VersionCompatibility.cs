namespace AlpacaFarm.Abstractions;

/// <summary>The one rule for what a plugin links against (the contract, the modeling SDK): same major, minor not newer.</summary>
public static class VersionCompatibility
{
    /// <summary>Null when a plugin built against <paramref name="declared"/> of <paramref name="what"/> runs on a host at major.minor.patch, else why not.</summary>
    public static string? Problem(string what, string declared, int major, int minor, int patch)
    {
        var current = $"{major}.{minor}.{patch}";
        if (!System.Version.TryParse(declared, out var version) || version.Build < 0 || version.Revision >= 0)
            return $"{what} version '{declared}' is not MAJOR.MINOR.PATCH";
        if (version.Major != major)
            return $"built for {what} {declared}; this host implements {current} (major versions differ)";
        if (version.Minor > minor)
            return $"built for {what} {declared}, newer than this host's {current}";
        return null;
    }
}
