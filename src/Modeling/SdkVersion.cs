using AlpacaFarm.Abstractions;

namespace AlpacaFarm.Modeling;

/// <summary>
/// The version of the modeling SDK plugins compile against (this assembly's public surface): plugin.json declares it as
/// sdkVersion, and the host checks it as it checks the contract version.
/// </summary>
public static class SdkVersion
{
    public const int Major = 1;
    public const int Minor = 0;
    public const int Patch = 0;

    public static string Current => $"{Major}.{Minor}.{Patch}";

    /// <summary>Null when a plugin built against <paramref name="declared"/> can run here, else why not.</summary>
    public static string? Incompatibility(string declared) => VersionCompatibility.Problem("SDK", declared, Major, Minor, Patch);
}
