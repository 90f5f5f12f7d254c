using AlpacaFarm.Abstractions.Methods;
using AlpacaFarm.Catalog;
using Mediator;

namespace AlpacaFarm.Application.Methods;

/// <summary>Loads the plugin catalog (built-in plus <paramref name="PluginFolders"/>) for listing.</summary>
public sealed record ListMethods(IReadOnlyList<string> PluginFolders) : IQuery<MethodListing>;

/// <summary>One row per method, plus one per plugin that yielded no method (with its reason).</summary>
public sealed record MethodListing(IReadOnlyList<MethodRow> Rows)
{
    public bool AnyBad => Rows.Any(row => row.Status is PluginStatus.Incompatible or PluginStatus.Malfunctioned);
}

/// <param name="MethodId">Null for a plugin row without methods.</param>
public sealed record MethodRow(
    string? MethodId,
    string? DisplayName,
    string? PluginId,
    string? Version,
    string? Kind,
    PluginStatus Status,
    string? Reason,
    string Folder,
    bool BuiltIn,
    IReadOnlyList<HyperparameterSpec>? Hyperparameters = null);

public sealed class ListMethodsHandler : IQueryHandler<ListMethods, MethodListing>
{
    public ValueTask<MethodListing> Handle(ListMethods query, CancellationToken cancellationToken)
    {
        var catalog = PluginCatalog.Load(query.PluginFolders);
        var rows = catalog.Plugins.SelectMany(plugin => plugin.Methods.Count == 0
            ? [new MethodRow(null, null, plugin.Manifest?.Id, plugin.Manifest?.Version, null, plugin.Status, plugin.Reason, plugin.Folder, plugin.BuiltIn)]
            : plugin.Methods.Select(method => new MethodRow(
                method.Descriptor?.Id,
                method.Descriptor?.DisplayName,
                plugin.Manifest?.Id,
                method.Descriptor?.Version,
                method.Descriptor?.Kind switch { MethodKind.TrainingTime => "training-time", MethodKind.InferenceTime => "inference-time", _ => null },
                method.Status,
                method.Reason,
                plugin.Folder,
                plugin.BuiltIn,
                method.Descriptor?.Hyperparameters)));
        return ValueTask.FromResult(new MethodListing(rows.ToList()));
    }
}
