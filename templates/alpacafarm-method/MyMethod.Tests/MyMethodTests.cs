using System.Diagnostics;
using Xunit;
using AlpacaFarm.Abstractions.Compute;
using AlpacaFarm.Abstractions.Methods;
using AlpacaFarm.Abstractions.Policies;
using AlpacaFarm.Modeling.Checkpoints;
using AlpacaFarm.Modeling.Policies;
using AlpacaFarm.Modeling.Runtime;
using AlpacaFarm.Modeling.Scoring;
using AlpacaFarm.Modeling.Tokenization;
using AlpacaFarm.Modeling.Training;
using AlpacaFarm.Modeling.Transformer;

namespace MyMethod.Tests;

public sealed class MyMethodTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("my-method-tests-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void The_descriptor_is_valid_and_its_table_checks_overrides()
    {
        var descriptor = new MyMethod().Descriptor;

        Assert.Empty(descriptor.Validate());
        Assert.Equal("2", descriptor.Merge(new Dictionary<string, string> { ["k"] = "2" })["k"]);
        Assert.Throws<HyperparameterException>(() => descriptor.Merge(new Dictionary<string, string> { ["k"] = "0" }));
    }

    [Fact]
    public async Task The_policy_keeps_each_prompts_best_scored_candidate()
    {
        // A tiny untrained policy and reward model, saved as the platform saves its own.
        var tokenizer = new WordTokenizer(["what", "is", "a", "b", "c", "?", "."]);
        var config = new TransformerConfig(tokenizer.VocabularySize, Depth: 1, Width: 32, Heads: 2, MaxSequenceLength: 64);
        var policyHandle = Checkpoint.SavePolicy(new CausalTransformer(config, TorchSeeding.Generator("test", "policy", 0)), tokenizer,
            Path.Combine(_folder, "policy"), "test/1");
        var rewardHandle = Checkpoint.SaveRewardModel(new RewardModel(config, TorchSeeding.Generator("test", "reward", 0)), tokenizer,
            Path.Combine(_folder, "reward"), "test/1");
        var compute = new ComputeResources("cpu", 1, 1L << 30);
        string[] prompts = ["what is a ?", "what is b ?"];
        var options = DecodingOptions.Evaluation(0) with { MaxNewTokens = 6 };

        // The candidates drawn and scored here directly, through the same SDK calls, and the best picked by hand.
        IReadOnlyList<string> candidates;
        IReadOnlyList<float> rewards;
        using (var sft = TorchPolicy.Open(policyHandle, compute))
        using (var scorer = RewardScorer.Open(rewardHandle, compute))
        {
            var repeated = prompts.SelectMany(prompt => Enumerable.Repeat(prompt, 3)).ToList();
            candidates = (await sft.GenerateAsync(new GenerationRequest(repeated, options with { Temperature = 1.0 }), CancellationToken.None)).Outputs;
            rewards = scorer.Score([.. repeated.Select((prompt, i) => (prompt, candidates[i]))]);
        }
        using var policy = new BestOfKPolicy(TorchPolicy.Open(policyHandle, compute), RewardScorer.Open(rewardHandle, compute), 3, 1.0);

        var outputs = (await policy.GenerateAsync(new GenerationRequest(prompts, options), CancellationToken.None)).Outputs;

        for (var p = 0; p < prompts.Length; p++)
        {
            var best = Enumerable.Range(3 * p, 3).OrderByDescending(i => rewards[i]).First();
            Assert.Equal(candidates[best], outputs[p]);
        }
    }

    /// <summary>
    /// The method on the platform's tiny recipe, through <c>alpacafarm submit</c> (sandboxed): set ALPACAFARM_CLI to the
    /// command that runs the platform's CLI, e.g. "dotnet /path/to/alpacafarm.dll".
    /// </summary>
    [CliFact]
    public async Task Submitted_on_the_tiny_recipe_it_stores_a_row()
    {
        // This test's build folder is MyMethod.Tests/bin/CONFIGURATION/net10.0/; the plugin folder is the method's own.
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        var root = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", ".."));
        var plugin = Path.Combine(root, "MyMethod", "bin", configuration, "net10.0");
        var command = $"{Environment.GetEnvironmentVariable("ALPACAFARM_CLI")} submit \"{plugin}\" --method my-method --set k=2 " +
            $"--recipe tiny --eval-split validation --threads 1 --home \"{Path.Combine(_folder, "home")}\" --format json";
        var start = new ProcessStartInfo("bash", ["-c", command]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.True(process.ExitCode == 0, await error);
        Assert.Contains("\"my-method.my-method-tiny-s0\"", await output);
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
