using System.Diagnostics;
using Xunit;
using AlpacaFarm.Abstractions.Methods;
using static TorchSharp.torch;

namespace Rloo.Tests;

public sealed class RlooTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("rloo-tests-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void The_descriptor_is_valid_and_its_table_checks_overrides()
    {
        var descriptor = new RlooMethod().Descriptor;

        Assert.Empty(descriptor.Validate());
        Assert.Equal("2", descriptor.Merge(new Dictionary<string, string> { ["k"] = "2" })["k"]);
        // One sample has no other to be its baseline.
        Assert.Throws<HyperparameterException>(() => descriptor.Merge(new Dictionary<string, string> { ["k"] = "1" }));
        Assert.Throws<HyperparameterException>(() => descriptor.Merge(new Dictionary<string, string> { ["value_coef"] = "1" }));
    }

    [Fact]
    public void The_loss_is_minus_the_advantage_weighted_log_likelihood_over_the_step_and_its_gradient_minus_a_over_n()
    {
        // By hand: N = 4 (this micro-batch holds 3 of the step's 4 rollouts); −(1·(−2) + (−0.5)·(−3) + 2·(−1)) / 4 = 0.625.
        using var logProbs = tensor(new float[] { -2, -3, -1 }).requires_grad_();
        using var advantages = tensor(new float[] { 1, -0.5f, 2 });

        using var loss = RlooObjective.Loss(logProbs, advantages, stepRollouts: 4);
        loss.backward();

        Assert.Equal(0.625, loss.item<float>(), 6);
        Assert.Equal(new[] { -0.25f, 0.125f, -0.5f }, logProbs.grad!.data<float>().ToArray());
    }

    /// <summary>
    /// A few RLOO steps on the platform's tiny recipe, through <c>alpacafarm submit</c> (sandboxed): set ALPACAFARM_CLI to the
    /// command that runs the platform's CLI, e.g. "dotnet /path/to/alpacafarm.dll".
    /// </summary>
    [CliFact]
    public async Task Submitted_on_the_tiny_recipe_it_stores_a_row()
    {
        // This test's build folder is Rloo.Tests/bin/CONFIGURATION/net10.0/; the plugin folder is the method's own.
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        var root = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", ".."));
        var plugin = Path.Combine(root, "Rloo", "bin", configuration, "net10.0");
        var command = $"{Environment.GetEnvironmentVariable("ALPACAFARM_CLI")} submit \"{plugin}\" --method rloo " +
            "--set total_steps=2 --set prompts_per_step=4 --set k=2 --set max_new_tokens=16 --set save_every=0 --set warmup_steps=0 " +
            $"--recipe tiny --eval-split validation --threads 1 --home \"{Path.Combine(_folder, "home")}\" --format json";
        var start = new ProcessStartInfo("bash", ["-c", command]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.True(process.ExitCode == 0, await error);
        Assert.Contains("\"rloo.rloo-tiny-s0\"", await output);
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
