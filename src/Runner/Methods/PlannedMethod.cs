using AlpacaFarm.Abstractions.Methods;
using AlpacaFarm.Catalog;

namespace AlpacaFarm.Runner.Methods;

/// <summary>A method resolved and checked before any work: its plugin, its merged hyperparameters and how to create it.</summary>
/// <param name="Hyperparameters">Defaults merged with the overrides, canonical.</param>
/// <param name="NonDefault">The overrides that differ from the defaults (they name the row).</param>
/// <param name="PluginSha256">Content hash of the plugin folder, as loaded.</param>
public sealed record PlannedMethod(
    MethodDescriptor Descriptor,
    PluginEntry Plugin,
    Func<IMethod> Create,
    IReadOnlyDictionary<string, string> Hyperparameters,
    IReadOnlyDictionary<string, string> NonDefault,
    string PluginSha256)
{
    public string Id => Descriptor.Id;
}

/// <summary>Everything a run needs, checked: the methods in order and the request they came from.</summary>
public sealed record MethodRunPlan(MethodRunRequest Request, Farm.FarmRecipe Recipe, IReadOnlyList<PlannedMethod> Methods);
