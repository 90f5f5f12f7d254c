using System.Globalization;

namespace AlpacaFarm.Abstractions.Methods;

/// <summary>
/// One row of a method's hyperparameter table: the single home of what a value may be. Values travel as
/// invariant-culture strings; <see cref="Canonical"/> gives each value one spelling ("1e-3" and "0.001" alike), so a
/// run's key does not depend on how a user typed it.
/// </summary>
/// <param name="Name">snake_case, unique within the method.</param>
/// <param name="Default">The farm's default (chosen by a sweep on the farm's validation split), canonical.</param>
/// <param name="Minimum">Smallest allowed numeric value (inclusive); null for none.</param>
/// <param name="Maximum">Largest allowed numeric value (inclusive); null for none.</param>
/// <param name="Choices">The allowed values of an enum.</param>
/// <param name="PaperValue">The AlpacaFarm paper's value (for LLaMA-7B on 8×A100), for comparison; null when it has none.</param>
/// <param name="Meaning">One line.</param>
public sealed record HyperparameterSpec(
    string Name,
    HyperparameterType Type,
    string Default,
    double? Minimum,
    double? Maximum,
    IReadOnlyList<string> Choices,
    string? PaperValue,
    string Meaning)
{
    public static HyperparameterSpec Int(string name, int value, int minimum, int maximum, string? paper, string meaning) =>
        new(name, HyperparameterType.Int, value.ToString(CultureInfo.InvariantCulture), minimum, maximum, [], paper, meaning);

    public static HyperparameterSpec Float(string name, double value, double minimum, double maximum, string? paper, string meaning) =>
        new(name, HyperparameterType.Float, value.ToString("R", CultureInfo.InvariantCulture), minimum, maximum, [], paper, meaning);

    public static HyperparameterSpec Bool(string name, bool value, string? paper, string meaning) =>
        new(name, HyperparameterType.Bool, value ? "true" : "false", null, null, [], paper, meaning);

    public static HyperparameterSpec Enum(string name, string value, IReadOnlyList<string> choices, string? paper, string meaning) =>
        new(name, HyperparameterType.Enum, value, null, null, choices, paper, meaning);

    /// <summary>What values are allowed, in words: "an integer in [1, 4096]", "true or false", "one of a, b".</summary>
    public string Allowed => Type switch
    {
        HyperparameterType.Int => $"an integer{Range()}",
        HyperparameterType.Float => $"a number{Range()}",
        HyperparameterType.Bool => "true or false",
        _ => $"one of {string.Join(", ", Choices)}",
    };

    /// <summary>The value's one spelling, or null when <paramref name="value"/> is not allowed.</summary>
    public string? Canonical(string value)
    {
        switch (Type)
        {
            case HyperparameterType.Int:
                return int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var i) && InRange(i)
                    ? i.ToString(CultureInfo.InvariantCulture) : null;
            case HyperparameterType.Float:
                return double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d) && InRange(d)
                    ? d.ToString("R", CultureInfo.InvariantCulture) : null;
            case HyperparameterType.Bool:
                return bool.TryParse(value, out var b) ? (b ? "true" : "false") : null;
            default:
                return Choices.Contains(value, StringComparer.Ordinal) ? value : null;
        }
    }

    /// <summary>Null when the row itself is sound (name, type, range, default), else why not.</summary>
    public string? Problem() =>
        string.IsNullOrEmpty(Name) || !Name.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_') ? $"hyperparameter name '{Name}' is not snake_case"
        : !System.Enum.IsDefined(Type) ? $"hyperparameter '{Name}' has an unknown type"
        : Type == HyperparameterType.Enum && (Choices is null || Choices.Count == 0) ? $"enum hyperparameter '{Name}' has no choices"
        : Minimum > Maximum ? $"hyperparameter '{Name}' has an empty range"
        : string.IsNullOrWhiteSpace(Meaning) ? $"hyperparameter '{Name}' has no meaning line"
        : Canonical(Default) != Default ? $"hyperparameter '{Name}': default '{Default}' is not {Allowed} in canonical form"
        : null;

    private bool InRange(double value) => (Minimum is null || value >= Minimum) && (Maximum is null || value <= Maximum);

    private string Range() => (Minimum, Maximum) switch
    {
        (null, null) => "",
        ({ } min, null) => $" ≥ {Show(min)}",
        (null, { } max) => $" ≤ {Show(max)}",
        ({ } min, { } max) => $" in [{Show(min)}, {Show(max)}]",
    };

    private static string Show(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
