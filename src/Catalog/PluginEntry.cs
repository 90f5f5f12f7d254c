using AlpacaFarm.Abstractions.Methods;

namespace AlpacaFarm.Catalog;

/// <summary>One plugin folder as the catalog found it.</summary>
/// <param name="Folder">Absolute path of the plugin folder.</param>
/// <param name="Manifest">Null when the manifest is missing or malformed.</param>
/// <param name="Status">Loaded when its assembly loaded; methods carry their own status.</param>
/// <param name="Reason">Why it is not loaded, in one line.</param>
/// <param name="BuiltIn">Shipped with the host rather than given with --plugins.</param>
public sealed record PluginEntry(
    string Folder,
    PluginManifest? Manifest,
    PluginStatus Status,
    string? Reason,
    IReadOnlyList<MethodEntry> Methods,
    bool BuiltIn)
{
    public bool IsBad => Status is PluginStatus.Incompatible or PluginStatus.Malfunctioned
        || Methods.Any(method => method.IsBad);
}

/// <summary>One method type found in a plugin.</summary>
/// <param name="TypeName">Full name of the implementing type.</param>
/// <param name="Descriptor">Null when the type could not be constructed.</param>
public sealed record MethodEntry(
    string TypeName,
    MethodDescriptor? Descriptor,
    PluginStatus Status,
    string? Reason,
    Func<IMethod>? Factory)
{
    public bool IsBad => Status is PluginStatus.Incompatible or PluginStatus.Malfunctioned;
}
