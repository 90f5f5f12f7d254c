using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace AlpacaFarm.Catalog;

/// <summary>A plugin folder's plugin.json.</summary>
/// <param name="ContractVersion">The contract (AlpacaFarm.Abstractions) version the plugin was built against.</param>
/// <param name="SdkVersion">The modeling SDK (AlpacaFarm.Modeling) version it was built against; required from contract 2 on,
/// optional in the record only so that a 1.x manifest is refused for its contract, not as malformed.</param>
public sealed partial record PluginManifest(
    string Id,
    string Version,
    string EntryAssembly,
    string ContractVersion,
    IReadOnlyList<string> Authors,
    string Description,
    string? Homepage,
    string? SdkVersion = null)
{
    public const string FileName = "plugin.json";

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
    };

    /// <summary>Reads and validates the manifest of <paramref name="folder"/>; throws <see cref="PluginLoadException"/> with one line.</summary>
    public static PluginManifest Read(string folder)
    {
        var path = Path.Combine(folder, FileName);
        if (!File.Exists(path)) throw new PluginLoadException($"missing manifest: no {FileName} in the folder");
        PluginManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<PluginManifest>(File.ReadAllBytes(path), Json);
        }
        catch (JsonException e)
        {
            throw new PluginLoadException($"malformed manifest: {FirstLine(e.Message)}");
        }
        if (manifest is null) throw new PluginLoadException("malformed manifest: it is null");
        var problem = manifest.Problem();
        return problem is null ? manifest : throw new PluginLoadException($"malformed manifest: {problem}");
    }

    /// <summary>Why this host cannot run a plugin built against these contract and SDK versions; null when it can.</summary>
    public string? Incompatibility() =>
        AlpacaFarm.Abstractions.ContractVersion.Incompatibility(ContractVersion)
        ?? (SdkVersion is null
            ? $"{FileName} declares no sdkVersion (this host's SDK is {AlpacaFarm.Modeling.SdkVersion.Current})"
            : AlpacaFarm.Modeling.SdkVersion.Incompatibility(SdkVersion));

    /// <summary>Built for contract 3.1 or later, which carries the training precision; an older plugin trains only in fp32.</summary>
    public bool KnowsPrecision => System.Version.TryParse(ContractVersion, out var contract) && contract >= new System.Version(3, 1, 0);

    private string? Problem() =>
        !KebabCase().IsMatch(Id) ? $"id '{Id}' is not kebab-case"
        : !System.Version.TryParse(Version, out _) ? $"version '{Version}' is not a version number"
        : string.IsNullOrWhiteSpace(EntryAssembly) || Path.GetFileName(EntryAssembly) != EntryAssembly || !EntryAssembly.EndsWith(".dll", StringComparison.Ordinal)
            ? $"entryAssembly '{EntryAssembly}' must be a .dll file name in the plugin folder"
        : string.IsNullOrWhiteSpace(Description) ? "description is empty"
        : null;

    private static string FirstLine(string text) => text.Split('\n')[0].Trim();

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex KebabCase();
}
