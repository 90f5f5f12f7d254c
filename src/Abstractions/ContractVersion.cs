namespace AlpacaFarm.Abstractions;

/// <summary>
/// The semantic version of this contract. Plugins declare the version they were built against in plugin.json;
/// the host loads a plugin when the majors match and the plugin's minor is not newer than the host's.
/// </summary>
/// <remarks>
/// 2.0.0: typed hyperparameter tables, disposable policies, artifacts reported along the way.
/// 2.1.0: a per-method cache folder in the run spec; demonstrations as an artifact kind.
/// 2.2.0: ComputeResources.ResultKey, what float results depend on (device and threads), for keys of cached results.
/// 3.0.0: ComputeResources checks itself where it is made (constructor and <c>with</c>); its Problem() is gone.
/// CanonicalText: the farm's text rule (canonical form and word split), for the world and the SDK's tokenizer alike.
/// 3.1.0: ComputeResources.Precision (fp32 or bf16-mixed), the number format a method trains in; part of ResultKey when not fp32.
/// </remarks>
public static class ContractVersion
{
    public const int Major = 3;
    public const int Minor = 1;
    public const int Patch = 0;

    public static string Current => $"{Major}.{Minor}.{Patch}";

    /// <summary>Null when a plugin built against <paramref name="declared"/> can run here, else why not.</summary>
    public static string? Incompatibility(string declared) => VersionCompatibility.Problem("contract", declared, Major, Minor, Patch);
}
