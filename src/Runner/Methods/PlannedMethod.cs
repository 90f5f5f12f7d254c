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

    /// <summary>Set when the method was submitted (<c>alpacafarm submit</c>): it runs in a worker, under this name.</summary>
    public Sandbox.SubmittedAs? Submitted { get; init; }

    /// <summary>The method and its variant, as its rows are named without recipe and seed: "quark", "quark-hf6776f85".</summary>
    public string Variant => Submitted?.Name ?? Id + RunKey.VariantSuffix(NonDefault);

    /// <summary>For people: the display name, with the hyperparameters that differ from the defaults ("Quark (mode=tokens)").</summary>
    public string Label => Submitted is { } submitted
        ? $"{submitted.Name} ({Descriptor.DisplayName}, submitted)"
        : NonDefault.Count == 0
        ? Descriptor.DisplayName
        : $"{Descriptor.DisplayName} ({string.Join(", ", NonDefault.OrderBy(pair => pair.Key, StringComparer.Ordinal).Select(pair => $"{pair.Key}={pair.Value}"))})";
}

/// <summary>Everything a run needs, checked: the methods in order and the request they came from.</summary>
public sealed record MethodRunPlan(MethodRunRequest Request, Farm.FarmRecipe Recipe, IReadOnlyList<PlannedMethod> Methods);
