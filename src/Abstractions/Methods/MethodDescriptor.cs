using System.Text.RegularExpressions;

namespace AlpacaFarm.Abstractions.Methods;

/// <summary>What a method is, for listings, validation and provenance.</summary>
/// <param name="Id">Kebab-case, unique across loaded plugins (e.g. "best-of-n").</param>
/// <param name="DisplayName">Human name (e.g. "Best-of-n").</param>
/// <param name="Version">Semantic version of the method's implementation.</param>
/// <param name="Kind">Training-time or inference-time.</param>
/// <param name="Description">One line.</param>
/// <param name="PaperReference">Where the method comes from.</param>
/// <param name="Hyperparameters">The typed table: every key a user may set, with its default, range, paper value and meaning.</param>
/// <param name="IsImplemented">False while the method is a declared placeholder: the host lists it and never runs it.</param>
public sealed partial record MethodDescriptor(
    string Id,
    string DisplayName,
    string Version,
    MethodKind Kind,
    string Description,
    string PaperReference,
    IReadOnlyList<HyperparameterSpec> Hyperparameters,
    bool IsImplemented)
{
    /// <summary>Every hyperparameter at its default.</summary>
    public IReadOnlyDictionary<string, string> Defaults => Hyperparameters.ToDictionary(spec => spec.Name, spec => spec.Default, StringComparer.Ordinal);

    /// <summary>
    /// The defaults with <paramref name="overrides"/> applied, every value in its canonical spelling; throws
    /// <see cref="HyperparameterException"/> naming the method, the key and what is allowed for an unknown key or a bad value.
    /// </summary>
    public IReadOnlyDictionary<string, string> Merge(IReadOnlyDictionary<string, string> overrides)
    {
        var merged = new SortedDictionary<string, string>(Defaults.ToDictionary(), StringComparer.Ordinal);
        foreach (var (key, value) in overrides)
        {
            var spec = Hyperparameters.FirstOrDefault(h => h.Name == key)
                ?? throw new HyperparameterException(
                    $"method '{Id}' has no hyperparameter '{key}' (it has: {string.Join(", ", Hyperparameters.Select(h => h.Name))})");
            merged[key] = spec.Canonical(value)
                ?? throw new HyperparameterException($"method '{Id}': {key} must be {spec.Allowed} (got '{value}')");
        }
        return merged;
    }

    /// <summary>The overrides that differ from the defaults after <see cref="Merge"/>, by key.</summary>
    public IReadOnlyDictionary<string, string> NonDefault(IReadOnlyDictionary<string, string> merged) =>
        new SortedDictionary<string, string>(
            merged.Where(entry => Defaults.GetValueOrDefault(entry.Key) != entry.Value).ToDictionary(), StringComparer.Ordinal);

    /// <summary>The problems that make this descriptor unusable; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (string.IsNullOrEmpty(Id) || !KebabCase().IsMatch(Id)) problems.Add($"method id '{Id}' is not kebab-case");
        if (string.IsNullOrWhiteSpace(DisplayName)) problems.Add($"method '{Id}' has no display name");
        if (!System.Version.TryParse(Version, out _)) problems.Add($"method '{Id}' version '{Version}' is not a version number");
        if (!Enum.IsDefined(Kind)) problems.Add($"method '{Id}' has an unknown kind");
        if (Hyperparameters is null)
        {
            problems.Add($"method '{Id}' has no hyperparameter table");
            return problems;
        }
        problems.AddRange(Hyperparameters.Select(spec => spec is null ? "a hyperparameter row is null" : spec.Problem()).OfType<string>());
        var duplicate = Hyperparameters.OfType<HyperparameterSpec>().GroupBy(spec => spec.Name).FirstOrDefault(group => group.Count() > 1);
        if (duplicate is not null) problems.Add($"method '{Id}' lists hyperparameter '{duplicate.Key}' twice");
        return problems;
    }

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex KebabCase();
}
