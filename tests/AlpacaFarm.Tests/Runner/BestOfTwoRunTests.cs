using System.Text.Json;
using AlpacaFarm.Abstractions.Policies;
using AlpacaFarm.Modeling.Policies;
using AlpacaFarm.Modeling.Scoring;
using AlpacaFarm.Runner.Farm;
using AlpacaFarm.Simulation;
using AlpacaFarm.Tests.Cli;
using AlpacaFarm.Tests.Catalog;

namespace AlpacaFarm.Tests.Runner;

/// <summary>A real method from a plugin project outside plugins/, built on the SDK, run end to end with --trust.</summary>
[Collection(TorchCollection.Name)]
public sealed class BestOfTwoRunTests(TinyFarmHome home) : IClassFixture<TinyFarmHome>
{
    [Fact]
    public async Task Best_of_two_keeps_the_higher_reward_of_two_sft_samples_and_compares_against_sft()
    {
        var result = await home.Run("--methods", "test-best-of-2", "--plugins", TestPluginFolders.Of("test-best-of-two"), "--trust", "--json");

        Assert.True(result.ExitCode == 0, result.Error);
        using var store = home.Open();
        var run = store.MethodRuns().First(r => r.Method == "test-best-of-2");
        var row = store.FindSubmission(run.BoardId!, "test-best-of-2-tiny-s0")!;
        Assert.Equal(("method", "test-best-of-two", "test-best-of-2"), (row.Provenance.Kind, row.Provenance.PluginId, row.Provenance.MethodId));
        Assert.StartsWith("best-of-2 over sft (temperature 1, top-p 0.9)", row.Provenance.Run!["policy"]);

        // Independently of the plugin's glue: two samples per instruction at its decoding and the evaluation's seed and
        // length, scored by the reward model; the stored output must be the higher-reward one.
        var handles = store.FindSubmission(run.BoardId!, "sft-tiny-s0")!.Provenance;
        var sft = new AlpacaFarm.Abstractions.Artifacts.ArtifactHandle(AlpacaFarm.Abstractions.Artifacts.ArtifactKind.Policy,
            handles.Hyperparameters["policy"], handles.FileSha256!, handles.Hyperparameters["policy_code_version"]);
        var rewardFolder = Directory.GetDirectories(Path.Combine(home.Path, "artifacts", "rewardmodel")).Single();
        var reward = AlpacaFarm.Abstractions.Artifacts.ArtifactHandle.ForFolder(AlpacaFarm.Abstractions.Artifacts.ArtifactKind.RewardModel, rewardFolder, "");
        var compute = Compute.For("cpu", 1);
        var instructions = FarmValidationSet.Create(FarmRecipe.Tiny.Sizes).Items.Select(item => item.Instruction).ToList();
        using var policy = TorchPolicy.Open(sft, compute, batchSize: 64); // the plugin's batch: padding changes float rounding
        using var scorer = RewardScorer.Open(reward, compute);
        var doubled = instructions.SelectMany(instruction => new[] { instruction, instruction }).ToList();
        var candidates = (await policy.GenerateAsync(new GenerationRequest(doubled, DecodingOptions.Evaluation(0) with { Temperature = 1.0 }), CancellationToken.None)).Outputs;
        var rewards = scorer.Score([.. doubled.Select((instruction, i) => (instruction, candidates[i]))]);
        var stored = store.Outputs(row.Id).ToDictionary(output => output.Instruction, output => output.Output);
        for (var i = 0; i < instructions.Count; i++)
            Assert.Equal(rewards[2 * i + 1] > rewards[2 * i] ? candidates[2 * i + 1] : candidates[2 * i], stored[instructions[i]]);
        Assert.Contains(Enumerable.Range(0, instructions.Count), i => candidates[2 * i] != candidates[2 * i + 1]); // a real choice was made

        var compare = await CliRunner.RunAsync("compare", "test-best-of-2-tiny-s0", "sft-tiny-s0", "--home", home.Path, "--json");
        Assert.True(compare.ExitCode == 0, compare.Error);
        Assert.Equal(instructions.Count, JsonDocument.Parse(compare.Out).RootElement.GetProperty("pairs").GetInt32());
    }
}

/// <summary>The built-in Best-of-n through the runner: a verified row whose policy names its candidates' decoding.</summary>
[Collection(TorchCollection.Name)]
public sealed class BestOfNRunTests(TinyFarmHome home) : IClassFixture<TinyFarmHome>
{
    [Fact]
    public async Task Built_in_best_of_n_stores_a_verified_row_with_its_candidate_decoding()
    {
        var result = await home.Run("--methods", "best-of-n", "--set", "best-of-n.n=3", "--set", "best-of-n.max_new_tokens=48");

        Assert.True(result.ExitCode == 0, result.Error);
        using var store = home.Open();
        var run = store.MethodRuns().First(r => r.Method == "best-of-n");
        var row = store.FindSubmission(run.BoardId!, run.RowName!)!;
        Assert.StartsWith("best-of-n-tiny-s0-h", row.Name);
        Assert.Equal(("verified", "3", "48"), (row.Provenance.Mode, row.Provenance.Hyperparameters["n"], row.Provenance.Hyperparameters["max_new_tokens"]));
        Assert.Equal("best-of-3 over sft (candidates at temperature 0.5, top-p 0.9, at most 48 new tokens)", row.Provenance.Run!["policy"]);
    }
}
