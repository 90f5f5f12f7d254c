using System.Globalization;

namespace AlpacaFarm.Abstractions.Methods;

/// <summary>Typed reads of hyperparameters, which travel as invariant-culture strings.</summary>
public static class HyperparameterExtensions
{
    public static double GetDouble(this IReadOnlyDictionary<string, string> values, string name) =>
        double.Parse(Get(values, name), NumberStyles.Float, CultureInfo.InvariantCulture);

    public static int GetInt(this IReadOnlyDictionary<string, string> values, string name) =>
        int.Parse(Get(values, name), NumberStyles.Integer, CultureInfo.InvariantCulture);

    public static bool GetBool(this IReadOnlyDictionary<string, string> values, string name) =>
        bool.Parse(Get(values, name));

    private static string Get(IReadOnlyDictionary<string, string> values, string name) =>
        values.TryGetValue(name, out var value) ? value : throw new KeyNotFoundException($"hyperparameter '{name}' is not set");
}
