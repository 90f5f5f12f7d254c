using System.Text.Json;

namespace AlpacaFarm.Tests.Cli;

/// <summary>sft, reward-model and evaluate --policy on the tiny recipe: real TorchSharp training, cached artifacts.</summary>
[Collection(TorchCollection.Name)]
public sealed class TrainingCommandTests : IDisposable
{
    private readonly string _home = Directory.CreateTempSubdirectory("alpacafarm-training-").FullName;

    public void Dispose() => Directory.Delete(_home, recursive: true);

    [Fact]
    public async Task Sft_trains_once_then_comes_from_the_cache()
    {
        var first = await Run("sft", "--recipe", "tiny", "--threads", "1");
        var second = await Run("sft", "--recipe", "tiny", "--threads", "1");
        var otherSeed = await Run("sft", "--recipe", "tiny", "--threads", "1", "--seed", "1");

        Assert.Contains("SFT policy: trained in", first);
        Assert.Contains("final_loss", first);
        Assert.Contains("SFT policy: reused from the cache", second);
        Assert.Contains("SFT policy: trained in", otherSeed);
        Assert.Equal(Path(first), Path(second));
        Assert.NotEqual(Path(first), Path(otherSeed));
    }

    [Fact]
    public async Task The_same_training_in_another_home_makes_byte_identical_content_so_downstream_keys_match()
    {
        var other = Directory.CreateTempSubdirectory("alpacafarm-training-other-").FullName;
        try
        {
            var first = await Run("sft", "--recipe", "tiny", "--threads", "1");
            var result = await CliRunner.RunAsync("sft", "--recipe", "tiny", "--threads", "1", "--home", other);
            Assert.True(result.ExitCode == 0, result.Error);

            Assert.Contains("tokens_per_second", first); // reported when trained, though not stored
            Assert.Equal(AlpacaFarm.Abstractions.Artifacts.ArtifactHandle.HashFolder(Path(first)), AlpacaFarm.Abstractions.Artifacts.ArtifactHandle.HashFolder(Path(result.Out)));
        }
        finally
        {
            Directory.Delete(other, recursive: true);
        }
    }

    [Fact]
    public async Task Reward_model_accuracies_on_noisy_noiseless_and_gold_labels_match_a_recount_of_the_held_out_pairs()
    {
        var first = await Run("reward-model", "--recipe", "tiny", "--threads", "1");
        var again = await Run("reward-model", "--recipe", "tiny", "--threads", "1");

        foreach (var metric in new[] { "accuracy_noisy_labels", "accuracy_noiseless_pool", "accuracy_gold", "pairs 96" }) Assert.Contains(metric, first);
        var reported = JsonSerializer.Deserialize<Dictionary<string, double>>(File.ReadAllText(
            Directory.GetFiles(System.IO.Path.Combine(_home, "artifacts", "rewardmodel"), "metrics.json", SearchOption.AllDirectories).Single()))!;
        var recount = await RewardAccuracyRecount.CountAsync(System.IO.Path.Combine(_home, "artifacts"), "tiny", AlpacaFarm.Runner.Farm.FarmRecipe.Tiny.HeldOutPairs);
        Assert.Equal(reported["held_out_pairs"], recount.HeldOut);
        Assert.True(recount.HeldOut >= 16, $"{recount.HeldOut} held-out pairs");
        Assert.True(recount.Noisy.Matches(reported["accuracy_noisy_labels"]), $"noisy: reported {reported["accuracy_noisy_labels"]}, recounted {recount.Noisy}");
        Assert.True(recount.Noiseless.Matches(reported["accuracy_noiseless_pool"]), $"noiseless: reported {reported["accuracy_noiseless_pool"]}, recounted {recount.Noiseless}");
        Assert.True(recount.Gold.Matches(reported["accuracy_gold"]), $"gold: reported {reported["accuracy_gold"]}, recounted {recount.Gold}");
        Assert.Contains("reward model: trained in", first);
        Assert.Contains("reward model: reused from the cache", again);
        Assert.Contains("preference data: reused from the cache", again);

        // Each row of the preference split is its own draw: a repeated instruction gets fresh samples, not a copy of its first pair.
        var pairs = File.ReadLines(Directory.GetFiles(System.IO.Path.Combine(_home, "artifacts"), "pairs.jsonl", SearchOption.AllDirectories).Single())
            .Select(line => JsonDocument.Parse(line).RootElement)
            .Select(row => (Instruction: row.GetProperty("instruction").GetString()!, Pair: row.GetProperty("output1").GetString() + "\u0001" + row.GetProperty("output2").GetString()))
            .ToList();
        var repeated = pairs.GroupBy(p => p.Instruction).Where(g => g.Count() >= 2).ToList();
        Assert.NotEmpty(repeated);
        Assert.Contains(repeated, g => g.Select(p => p.Pair).Distinct().Count() > 1);
    }

    [Fact]
    public async Task Evaluating_the_sft_policy_generates_on_eval_805_and_reports_gold()
    {
        var result = await CliRunner.RunAsync("evaluate", "--home", _home, "--policy", "sft", "--recipe", "tiny", "--threads", "1", "--json");

        Assert.True(result.ExitCode == 0, result.Error);
        var row = JsonDocument.Parse(result.Out).RootElement;
        Assert.Equal(805, row.GetProperty("n_total").GetInt32());
        Assert.Equal("verified", row.GetProperty("mode").GetString());
        var outputs = JsonDocument.Parse(File.ReadAllText(System.IO.Path.Combine(_home, "outputs", "sft-tiny-s0.json"))).RootElement;
        Assert.Equal(805, outputs.GetArrayLength());
        // Recounted: 100 · mean over rows of σ((g(output) − g(reference)) / 1.05), ½ at equal gold (the humans' Bradley–Terry).
        var references = AlpacaFarm.Simulation.FarmEvalSet.Load().Items.ToDictionary(item => item.Instruction, item => item.ReferenceOutput);
        var recounted = 100 * outputs.EnumerateArray().Average(output =>
        {
            var instruction = output.GetProperty("instruction").GetString()!;
            var margin = AlpacaFarm.Simulation.FarmGold.Score(instruction, output.GetProperty("output").GetString()!)
                - AlpacaFarm.Simulation.FarmGold.Score(instruction, references[instruction]);
            return margin == 0 ? 0.5 : 1 / (1 + Math.Exp(-margin / 1.05));
        });
        Assert.Equal(recounted, row.GetProperty("gold_win_rate").GetDouble(), 6);
        Assert.InRange(recounted, 0, 50); // an untrained-size model is worse than the reference
        Assert.Equal("sft-tiny-s0", outputs[0].GetProperty("generator").GetString());
        Assert.Contains("temperature 0.7, top-p 0.9", result.Error);
    }

    [SharedDataFact]
    public async Task A_policy_on_a_real_text_reference_is_a_usage_error()
    {
        var result = await CliRunner.RunAsync("evaluate", "--home", _home, "--policy", "sft", "--reference", SharedData.Reference);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--policy generates on the farm's eval-805", result.Error);
    }

    private async Task<string> Run(params string[] args)
    {
        var result = await CliRunner.RunAsync([.. args, "--home", _home]);
        Assert.True(result.ExitCode == 0, result.Error);
        return result.Out;
    }

    private static string Path(string output) => output.Split('\n').First(line => line.Contains("artifacts")).Trim();
}
