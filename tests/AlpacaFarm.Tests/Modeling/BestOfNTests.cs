using AlpacaFarm.Abstractions.Artifacts;
using AlpacaFarm.Abstractions.Policies;
using AlpacaFarm.Modeling.Policies;
using AlpacaFarm.Modeling.Scoring;
using AlpacaFarm.Modeling.Selection;
using AlpacaFarm.Runner.Farm;
using AlpacaFarm.Simulation;
using AlpacaFarm.Tests.Cli;

namespace AlpacaFarm.Tests.Modeling;

/// <summary>The tiny recipe's SFT policy and reward model, trained once for the class.</summary>
public sealed class TinyModels : IDisposable
{
    private readonly string _home = Directory.CreateTempSubdirectory("alpacafarm-bon-").FullName;

    public TinyModels()
    {
        var result = CliRunner.RunAsync("reward-model", "--home", _home, "--recipe", "tiny", "--threads", "1").GetAwaiter().GetResult();
        if (result.ExitCode != 0) throw new InvalidOperationException(result.Error);
        var artifacts = Path.Combine(_home, "artifacts");
        Sft = ArtifactHandle.ForFolder(ArtifactKind.Policy, Directory.GetDirectories(Path.Combine(artifacts, "policy")).Single(), "");
        Reward = ArtifactHandle.ForFolder(ArtifactKind.RewardModel, Directory.GetDirectories(Path.Combine(artifacts, "rewardmodel")).Single(), "");
    }

    public ArtifactHandle Sft { get; }

    public ArtifactHandle Reward { get; }

    public void Dispose() => Directory.Delete(_home, recursive: true);
}

/// <summary>The SDK's Best-of-n: the maximum of its draws, nested draws, and a higher proxy score than one sample.</summary>
[Collection(TorchCollection.Name)]
public sealed class BestOfNTests(TinyModels models) : IClassFixture<TinyModels>
{
    private static readonly IReadOnlyList<string> Prompts =
        [.. FarmValidationSet.Create(FarmRecipe.Tiny.Sizes).Items.Take(12).Select(item => item.Instruction)];

    private static readonly DecodingOptions Candidates = new(1.0, 0.9, 48, 5);

    private BestOfNResult Select(int n, IReadOnlyList<int>? keepFirst = null)
    {
        var compute = Compute.For("cpu", 1);
        using var policy = TorchPolicy.Open(models.Sft, compute, batchSize: 16);
        using var scorer = RewardScorer.Open(models.Reward, compute);
        return BestOfN.Select(policy, scorer, Prompts, n, Candidates, promptBatch: 8, keepFirst: keepFirst);
    }

    [Fact]
    public void The_kept_candidate_is_the_highest_scoring_of_its_draws()
    {
        var result = Select(4);

        var compute = Compute.For("cpu", 1);
        using var scorer = RewardScorer.Open(models.Reward, compute);
        var rescored = scorer.Score([.. Prompts.Select((prompt, i) => (prompt, result.Best[i]))]);
        for (var i = 0; i < Prompts.Count; i++)
        {
            Assert.Equal(4, result.Scores[i].Length);
            Assert.Equal(result.Scores[i].Max(), result.BestScores[i]);
            Assert.Equal(result.BestScores[i], rescored[i], 4); // the kept text really scores that (another batch: rounding)
        }
    }

    [Fact]
    public void The_first_k_draws_of_an_n_run_are_a_k_run()
    {
        var four = Select(4, keepFirst: [2, 4]);
        var two = Select(2);

        // The runs batch their draws differently (n per prompt side by side), so scores agree up to float rounding.
        for (var i = 0; i < Prompts.Count; i++)
        {
            for (var draw = 0; draw < 2; draw++) Assert.Equal(two.Scores[i][draw], four.Scores[i][draw], 4);
            Assert.Equal(two.BestScores[i], four.Scores[i][four.BestDraw(i, 2)], 4);
        }
        Assert.Equal(two.Best, four.BestOfFirst[2]);
        Assert.Equal(four.Best, four.BestOfFirst[4]);
    }

    [Fact]
    public void Best_of_four_raises_the_mean_proxy_score_over_one_sample()
    {
        var result = Select(4);

        var single = result.Scores.Average(scores => scores[0]);
        var best = result.BestScores.Average();
        Assert.True(best - single > 0.2, $"best-of-4 {best:F4} vs one sample {single:F4}");
    }
}
