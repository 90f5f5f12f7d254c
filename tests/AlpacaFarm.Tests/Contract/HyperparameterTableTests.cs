using AlpacaFarm.Abstractions.Methods;

namespace AlpacaFarm.Tests.Contract;

/// <summary>The typed table is the one home of what a method's hyperparameters may be.</summary>
public sealed class HyperparameterTableTests
{
    private static readonly MethodDescriptor Method = new("best-of-n", "Best-of-n", "1.0.0", MethodKind.InferenceTime, "d", "p",
        [
            HyperparameterSpec.Int("n", 16, 1, 4096, "16", "Samples."),
            HyperparameterSpec.Float("temperature", 1.0, 0, 10, "1.0", "Temperature."),
            HyperparameterSpec.Bool("greedy", false, null, "Greedy."),
            HyperparameterSpec.Enum("pick", "max", ["max", "softmax"], null, "Selection."),
        ], IsImplemented: true);

    [Fact]
    public void Overrides_merge_over_the_defaults_in_one_spelling()
    {
        var merged = Method.Merge(new Dictionary<string, string> { ["n"] = "064", ["temperature"] = "7e-1", ["greedy"] = "True" });

        Assert.Equal(new Dictionary<string, string> { ["greedy"] = "true", ["n"] = "64", ["pick"] = "max", ["temperature"] = "0.7" }, merged);
        Assert.Equal(new Dictionary<string, string> { ["greedy"] = "true", ["n"] = "64", ["temperature"] = "0.7" }, Method.NonDefault(merged));
        Assert.Empty(Method.NonDefault(Method.Merge(new Dictionary<string, string> { ["n"] = "16" })));
    }

    [Theory]
    [InlineData("m", "1", "method 'best-of-n' has no hyperparameter 'm' (it has: n, temperature, greedy, pick)")]
    [InlineData("n", "0", "method 'best-of-n': n must be an integer in [1, 4096] (got '0')")]
    [InlineData("n", "2.5", "method 'best-of-n': n must be an integer in [1, 4096] (got '2.5')")]
    [InlineData("temperature", "NaN", "method 'best-of-n': temperature must be a number in [0, 10] (got 'NaN')")]
    [InlineData("temperature", "11", "method 'best-of-n': temperature must be a number in [0, 10] (got '11')")]
    [InlineData("greedy", "yes", "method 'best-of-n': greedy must be true or false (got 'yes')")]
    [InlineData("pick", "min", "method 'best-of-n': pick must be one of max, softmax (got 'min')")]
    public void A_bad_override_is_one_line_naming_the_method_the_key_and_what_is_allowed(string key, string value, string message)
    {
        var error = Assert.Throws<HyperparameterException>(() => Method.Merge(new Dictionary<string, string> { [key] = value }));

        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void A_table_with_a_bad_default_a_duplicate_or_a_bad_name_is_an_invalid_descriptor()
    {
        var bad = Method with
        {
            Hyperparameters =
            [
                HyperparameterSpec.Int("n", 16, 1, 4096, null, "Samples."),
                HyperparameterSpec.Int("n", 16, 1, 4096, null, "Again."),
                new HyperparameterSpec("top_p", HyperparameterType.Float, "2", 0, 1, [], null, "Out of range."),
                HyperparameterSpec.Int("Max-Tokens", 1, 1, 2, null, "Bad name."),
            ],
        };

        Assert.Equal(
        [
            "hyperparameter 'top_p': default '2' is not a number in [0, 1] in canonical form",
            "hyperparameter name 'Max-Tokens' is not snake_case",
            "method 'best-of-n' lists hyperparameter 'n' twice",
        ], bad.Validate());
    }
}
