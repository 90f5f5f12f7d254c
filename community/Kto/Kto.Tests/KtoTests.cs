using System.Diagnostics;
using Xunit;
using AlpacaFarm.Abstractions.Methods;
using AlpacaFarm.Modeling.Tokenization;
using AlpacaFarm.Modeling.Training;
using static TorchSharp.torch;

namespace Kto.Tests;

public sealed class KtoTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("kto-tests-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void The_descriptor_is_valid_and_its_table_checks_overrides()
    {
        var descriptor = new KtoMethod().Descriptor;

        Assert.Empty(descriptor.Validate());
        Assert.Equal("0.25", descriptor.Merge(new Dictionary<string, string> { ["beta"] = "0.25" })["beta"]);
        Assert.Throws<HyperparameterException>(() => descriptor.Merge(new Dictionary<string, string> { ["beta"] = "0" }));
        Assert.Throws<HyperparameterException>(() => descriptor.Merge(new Dictionary<string, string> { ["loss"] = "dpo" }));
    }

    private static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    [Fact]
    public void The_loss_weighs_desirable_and_undesirable_examples_around_the_clamped_kl_by_hand()
    {
        using var ratios = tensor(new[] { 1f, -1f, 0.5f }).requires_grad_();
        using var desirable = tensor(new[] { true, false, true });

        using var loss = KtoObjective.Loss(ratios, desirable, klEstimate: 0.2, beta: 0.5, desirableWeight: 1, undesirableWeight: 2);
        loss.backward();

        // Desirable: 1 − σ(β(r − z)); undesirable: λ_U (1 − σ(β(z − r))); the mean of the three.
        var expected = ((1 - Sigmoid(0.5 * 0.8)) + 2 * (1 - Sigmoid(0.5 * 1.2)) + (1 - Sigmoid(0.5 * 0.3))) / 3;
        Assert.Equal(expected, loss.item<float>(), 5);
        // d/dr of a desirable example's term: −β σ'(β(r − z)) / 3; of the undesirable one: +λ_U β σ'(β(z − r)) / 3.
        var gradient = ratios.grad!.data<float>().ToArray();
        Assert.Equal(-0.5 * Sigmoid(0.4) * (1 - Sigmoid(0.4)) / 3, gradient[0], 5);
        Assert.Equal(2 * 0.5 * Sigmoid(0.6) * (1 - Sigmoid(0.6)) / 3, gradient[1], 5);
    }

    [Fact]
    public void A_negative_kl_estimate_is_clamped_to_zero()
    {
        using var ratios = tensor(new[] { 0.4f });
        using var desirable = tensor(new[] { true });

        using var clamped = KtoObjective.Loss(ratios, desirable, klEstimate: -3, beta: 1, desirableWeight: 1, undesirableWeight: 1);

        Assert.Equal(1 - Sigmoid(0.4), clamped.item<float>(), 6);
    }

    [Fact]
    public void Each_pair_gives_one_desirable_and_one_undesirable_example()
    {
        var tokenizer = new WordTokenizer(["a", "b", "c", "?"]);
        PreferenceExample[] pairs = [new("a ?", "b", "c"), new("b ?", "c", "a"), new("c ?", "a", "b")];

        var examples = KtoExamples.Of(tokenizer, pairs, maxLength: 32, seed: 0);

        Assert.Equal(6, examples.Count);
        Assert.Equal([true, true, true, false, false, false], Enumerable.Range(0, 6).Select(examples.IsDesirable));
    }

    /// <summary>
    /// KTO on the platform's tiny recipe, through <c>alpacafarm submit</c> (sandboxed): set ALPACAFARM_CLI to the command
    /// that runs the platform's CLI, e.g. "dotnet /path/to/alpacafarm.dll".
    /// </summary>
    [CliFact]
    public async Task Submitted_on_the_tiny_recipe_it_stores_a_row()
    {
        // This test's build folder is Kto.Tests/bin/CONFIGURATION/net10.0/; the plugin folder is the method's own.
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        var root = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", ".."));
        var plugin = Path.Combine(root, "Kto", "bin", configuration, "net10.0");
        var command = $"{Environment.GetEnvironmentVariable("ALPACAFARM_CLI")} submit \"{plugin}\" --method kto --set epochs=1 --set batch_size=8 " +
            $"--recipe tiny --eval-split validation --threads 1 --home \"{Path.Combine(_folder, "home")}\" --format json";
        var start = new ProcessStartInfo("bash", ["-c", command]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.True(process.ExitCode == 0, await error);
        Assert.Contains("\"kto.kto-tiny-s0\"", await output);
    }
}

/// <summary>A fact that needs the platform's CLI (ALPACAFARM_CLI): skipped, with how to run it, where it is not given.</summary>
public sealed class CliFactAttribute : FactAttribute
{
    public CliFactAttribute()
    {
        if (string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("ALPACAFARM_CLI")))
            Skip = "set ALPACAFARM_CLI to the command that runs alpacafarm (e.g. \"dotnet /path/to/alpacafarm.dll\") to submit the method on the tiny recipe";
    }
}
