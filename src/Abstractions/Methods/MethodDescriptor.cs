using System.Text.RegularExpressions;

namespace AlpacaFarm.Abstractions.Methods;

/// <summary>What a method is, for listings, validation and provenance.</summary>
/// <param name="Id">Kebab-case, unique across loaded plugins (e.g. "best-of-n").</param>
/// <param name="DisplayName">Human name (e.g. "Best-of-n").</param>
/// <param name="Version">Semantic version of the method's implementation.</param>
/// <param name="Kind">Training-time or inference-time.</param>
/// <param name="Description">One line.</param>
/// <param name="PaperReference">Where the method comes from.</param>
/// <param name="DefaultHyperparameters">Names and invariant-culture values; the host merges user overrides over them.</param>
/// <param name="IsImplemented">False while the method is a declared placeholder: the host lists it and never runs it.</param>
public sealed partial record MethodDescriptor(
    string Id,
    string DisplayName,
    string Version,
    MethodKind Kind,
    string Description,
    string PaperReference,
    IReadOnlyDictionary<string, string> DefaultHyperparameters,
    bool IsImplemented)
{
    /// <summary>The problems that make this descriptor unusable; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (string.IsNullOrEmpty(Id) || !KebabCase().IsMatch(Id)) problems.Add($"method id '{Id}' is not kebab-case");
        if (string.IsNullOrWhiteSpace(DisplayName)) problems.Add($"method '{Id}' has no display name");
        if (!System.Version.TryParse(Version, out _)) problems.Add($"method '{Id}' version '{Version}' is not a version number");
        if (!Enum.IsDefined(Kind)) problems.Add($"method '{Id}' has an unknown kind");
        if (DefaultHyperparameters is null) problems.Add($"method '{Id}' has no hyperparameter table");
        return problems;
    }

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex KebabCase();
}
