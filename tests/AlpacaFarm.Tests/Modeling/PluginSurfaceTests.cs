using AlpacaFarm.Abstractions.Artifacts;
using AlpacaFarm.Abstractions.Compute;
using AlpacaFarm.Abstractions.Policies;
using AlpacaFarm.Modeling.Checkpoints;
using AlpacaFarm.Modeling.Generation;
using AlpacaFarm.Modeling.Policies;
using AlpacaFarm.Modeling.Runtime;
using AlpacaFarm.Modeling.Scoring;
using AlpacaFarm.Modeling.Tokenization;
using AlpacaFarm.Modeling.Training;
using TorchSharp;

namespace AlpacaFarm.Tests.Modeling;

/// <summary>What plugins open and return through the SDK: reward scorers from handles, saved policies as <see cref="IPolicy"/>.</summary>
[Collection(TorchCollection.Name)]
public sealed class PluginSurfaceTests : IDisposable
{
    private static readonly ComputeResources OneThread = new("cpu", 1, 1L << 30);

    private readonly TorchScratch _scratch = new("alpacafarm-surface-");

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public void A_reward_scorer_opened_from_a_handle_scores_as_the_saved_model_does()
    {
        var tokenizer = TinyWorld.Tokenizer();
        using var model = new RewardModel(TinyWorld.Config(tokenizer), TorchSeeding.Generator("test-init", "scorer", 1));
        var handle = Checkpoint.SaveRewardModel(model, tokenizer, _scratch.Path("rm"), "test/1");
        (string, string)[] items = [("What does the cow eat?", "The cow eats grass."), ("List two animals.", "1. cow"), ("What does the cow eat?", "mud")];

        using var scorer = RewardScorer.Open(handle, OneThread, batchSize: 2);

        // Bit for bit at the same batching: the loaded weights are the saved ones. (Another batching pads differently, and
        // kernels without vector paths, ATen's "default" capability among them, then round the sums differently.)
        Assert.Equal(model.Score(tokenizer, items, batchSize: 2), scorer.Score(items));
        Assert.Equal(handle, scorer.Handle);
        Assert.Throws<ArgumentException>(() => RewardScorer.Open(handle with { Kind = ArtifactKind.Policy }, OneThread));
    }

    [Fact]
    public async Task A_saved_policy_comes_back_as_an_IPolicy_of_the_saved_folder_that_decodes_as_the_model_did()
    {
        var tokenizer = TinyWorld.Tokenizer();
        using var trained = TinyWorld.Model(tokenizer, seed: 2);
        new SftTrainer(trained, tokenizer, new TrainingOptions(Epochs: 10, BatchSize: 4, LearningRate: 3e-3, Seed: 1)).Train(TinyWorld.Examples);
        var folder = _scratch.Path("policy");

        using var policy = TorchPolicy.Save(trained, tokenizer, folder, "test-method/1", OneThread, name: "test policy");
        var result = await ((IPolicy)policy).GenerateAsync(
            new GenerationRequest(["What does the cow eat?", "List two animals."], new DecodingOptions(0, 1, 12, 0)), CancellationToken.None);

        Assert.Equal("test policy", policy.Name);
        Assert.Equal([ArtifactHandle.ForFolder(ArtifactKind.Policy, folder, "test-method/1")], policy.Dependencies);
        var greedy = new Sampler(trained, tokenizer).Generate(
            TinyWorld.Prompts(tokenizer, ["What does the cow eat?", "List two animals."]), ["a", "b"], SamplingOptions.Greedy(12));
        Assert.Equal(greedy.Select(ids => tokenizer.Decode(PromptFormat.UntilEos(tokenizer, ids))), result.Outputs);
        Assert.All(result.Outputs, output => Assert.NotEqual("", output)); // ten steps teach it words, so the comparison has teeth
    }
}
