using System.Diagnostics;
using Xunit;
using AlpacaFarm.Abstractions.Methods;
using static TorchSharp.torch;

namespace Grpo.Tests;

public sealed class GrpoTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("grpo-tests-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void The_descriptor_is_valid_and_its_table_checks_overrides()
    {
        var descriptor = new GrpoMethod().Descriptor;

        Assert.Empty(descriptor.Validate());
        Assert.Equal("dr-grpo", descriptor.Merge(new Dictionary<string, string> { ["variant"] = "dr-grpo" })["variant"]);
        Assert.Throws<HyperparameterException>(() => descriptor.Merge(new Dictionary<string, string> { ["variant"] = "dapo" }));
        Assert.Throws<HyperparameterException>(() => descriptor.Merge(new Dictionary<string, string> { ["group_size"] = "1" }));
    }

    // Two responses (A = 2 and −1), the second one token long; log π_old = 0, so the ratios are exp(log π):
    // row 0: ρ = 1.5 (clipped to 1.2: s = 2.4) and 0.9 (s = 1.8); row 1: ρ = 0.7 (clipped to 0.8: s = −0.8).
    // The reference sits ln 2 above the policy at the first token only: KL = 2 − ln 2 − 1 there, 0 elsewhere.
    private static (Tensor LogProbs, Tensor Old, Tensor Reference, Tensor Advantages, Tensor Mask) Example() => (
        tensor(new[] { MathF.Log(1.5f), MathF.Log(0.9f), MathF.Log(0.7f), 0f }, [2, 2]).requires_grad_(),
        zeros(2, 2),
        tensor(new[] { MathF.Log(3f), MathF.Log(0.9f), MathF.Log(0.7f), 0f }, [2, 2]),
        tensor(new[] { 2f, -1f }),
        tensor(new[] { 1f, 1f, 1f, 0f }, [2, 2]));

    [Fact]
    public void Grpo_averages_each_response_s_clipped_token_losses_and_its_k3_penalty_by_hand()
    {
        var (logProbs, old, reference, advantages, mask) = Example();
        var kl = 1 - Math.Log(2);

        var (loss, parts) = GrpoObjective.Loss(logProbs, old, reference, advantages, mask, 0.2, 0.1, GrpoVariant.Grpo, stepRollouts: 2, maxNewTokens: 4);
        loss.backward();

        // ((−(2.4 − 0.1·KL) − 1.8) / 2 + 0.8 / 1) / 2.
        Assert.Equal(((-(2.4 - 0.1 * kl) - 1.8) / 2 + 0.8) / 2, loss.item<float>(), 5);
        Assert.Equal(2.0 / 3, parts.ClipFraction, 5);
        Assert.Equal(kl / 3, parts.Kl, 5);
        // A clipped token passes only the penalty's gradient, β·(1 − e^(ln 2)) = −0.1, then /2 tokens /2 rollouts; the unclipped
        // token −ρ·A = −1.8 /2 /2; the second response's clipped token nothing, nor its padding.
        var gradient = logProbs.grad!.data<float>().ToArray();
        Assert.Equal(-0.025, gradient[0], 5);
        Assert.Equal(-0.45, gradient[1], 5);
        Assert.Equal(0, gradient[2], 6);
        Assert.Equal(0, gradient[3], 6);
    }

    [Fact]
    public void Dr_grpo_sums_the_token_losses_over_the_longest_response_times_the_rollouts()
    {
        var (logProbs, old, reference, advantages, mask) = Example();
        var kl = 1 - Math.Log(2);

        var (loss, _) = GrpoObjective.Loss(logProbs, old, reference, advantages, mask, 0.2, 0.1, GrpoVariant.DrGrpo, stepRollouts: 2, maxNewTokens: 4);

        Assert.Equal((-(2.4 - 0.1 * kl) - 1.8 + 0.8) / 8, loss.item<float>(), 5);
    }

    /// <summary>
    /// A few GRPO steps on the platform's tiny recipe, through <c>alpacafarm submit</c> (sandboxed): set ALPACAFARM_CLI to the
    /// command that runs the platform's CLI, e.g. "dotnet /path/to/alpacafarm.dll".
    /// </summary>
    [CliFact]
    public async Task Submitted_on_the_tiny_recipe_it_stores_a_row()
    {
        // This test's build folder is Grpo.Tests/bin/CONFIGURATION/net10.0/; the plugin folder is the method's own.
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        var root = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", ".."));
        var plugin = Path.Combine(root, "Grpo", "bin", configuration, "net10.0");
        var command = $"{Environment.GetEnvironmentVariable("ALPACAFARM_CLI")} submit \"{plugin}\" --method grpo " +
            "--set total_steps=2 --set prompts_per_step=4 --set group_size=2 --set iterations=2 --set variant=dr-grpo --set max_new_tokens=16 " +
            $"--set save_every=0 --set warmup_steps=0 --recipe tiny --eval-split validation --threads 1 --home \"{Path.Combine(_folder, "home")}\" --format json";
        var start = new ProcessStartInfo("bash", ["-c", command]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.True(process.ExitCode == 0, await error);
        Assert.Contains("\"grpo.grpo-tiny-s0\"", await output);
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
