using AlpacaFarm.Abstractions.Artifacts;
using AlpacaFarm.Abstractions.Compute;
using AlpacaFarm.Abstractions.Policies;
using AlpacaFarm.Modeling.Checkpoints;
using AlpacaFarm.Modeling.Generation;
using AlpacaFarm.Modeling.Policies;
using AlpacaFarm.Modeling.Runtime;
using AlpacaFarm.Modeling.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace AlpacaFarm.Tests.Modeling;

[Collection(TorchCollection.Name)]
public sealed class CheckpointTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("alpacafarm-checkpoint-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void A_saved_and_loaded_policy_gives_identical_logits_and_generations()
    {
        var tokenizer = TinyWorld.Tokenizer();
        using var model = TinyWorld.Model(tokenizer, seed: 9, valueHead: true);
        model.eval();

        var handle = Checkpoint.SavePolicy(model, tokenizer, Path.Combine(_folder, "policy"), "test/1");
        var (loaded, loadedTokenizer) = Checkpoint.LoadPolicy(handle);
        using var _ = loaded;

        Assert.Equal(ArtifactKind.Policy, handle.Kind);
        Assert.Equal("test/1", handle.CodeVersion);
        Assert.Equal(model.Config, loaded.Config);
        Assert.Equal(tokenizer.Words, loadedTokenizer.Words);
        using (var scope = NewDisposeScope())
        using (var noGrad = torch.no_grad())
        {
            var ids = torch.tensor(tokenizer.Encode("The pig sleeps in the barn.").Select(i => (long)i).ToArray()).unsqueeze(0);
            Assert.True(model.forward(ids).eq(loaded.forward(ids)).all().item<bool>());
            Assert.True(model.Values(model.Hidden(ids)).eq(loaded.Values(loaded.Hidden(ids))).all().item<bool>());
        }
        var prompts = TinyWorld.Prompts(tokenizer, ["What does the cow eat?", "List two animals."]);
        var options = new SamplingOptions(0.8, 0.95, 10, 4);
        Assert.Equal(
            new Sampler(model, tokenizer).Generate(prompts, ["a", "b"], options),
            new Sampler(loaded, loadedTokenizer).Generate(prompts, ["a", "b"], options));
    }

    [Fact]
    public void A_saved_and_loaded_reward_model_gives_identical_scores_and_handles_are_checked()
    {
        var tokenizer = TinyWorld.Tokenizer();
        using var model = new RewardModel(TinyWorld.Config(tokenizer), TorchSeeding.Generator("test-init", "rm", 1));
        (string, string)[] items = [("What does the cow eat?", "The cow eats grass."), ("List two animals.", "1. cow")];

        var handle = Checkpoint.SaveRewardModel(model, tokenizer, Path.Combine(_folder, "rm"), RewardTrainer.CodeVersion);
        var (loaded, _) = Checkpoint.LoadRewardModel(handle);
        using var __ = loaded;

        Assert.Equal(model.Score(tokenizer, items), loaded.Score(tokenizer, items));
        Assert.Throws<ArgumentException>(() => Checkpoint.LoadPolicy(handle));
        File.AppendAllText(Path.Combine(handle.Path, Checkpoint.ConfigFile), " ");
        Assert.Throws<InvalidDataException>(() => Checkpoint.LoadRewardModel(handle));
    }

    [Fact]
    public void Weights_that_do_not_fit_the_models_layout_fail_with_one_error_naming_the_code_that_made_them()
    {
        var tokenizer = TinyWorld.Tokenizer();
        using var policy = TinyWorld.Model(tokenizer);
        var folder = Path.Combine(_folder, "old-rm");
        Checkpoint.SavePolicy(policy, tokenizer, folder, "reward-trainer/2");
        var config = Path.Combine(folder, Checkpoint.ConfigFile);
        File.WriteAllText(config, File.ReadAllText(config).Replace("\"Policy\"", "\"RewardModel\"", StringComparison.Ordinal));

        var error = Assert.Throws<InvalidDataException>(() => Checkpoint.LoadRewardModel(ArtifactHandle.ForFolder(ArtifactKind.RewardModel, folder, "reward-trainer/2")));

        Assert.Contains("reward-trainer/2", error.Message, StringComparison.Ordinal);
        Assert.Contains("train it anew", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_torch_policy_answers_through_the_contract_with_one_output_per_prompt_and_fresh_samples_for_repeats()
    {
        var tokenizer = TinyWorld.Tokenizer();
        using var model = TinyWorld.Model(tokenizer);
        var handle = Checkpoint.SavePolicy(model, tokenizer, Path.Combine(_folder, "policy"), "test/1");
        // Threads are the host's (TorchDevice.Configure, once per run), not the policy's: nothing here asserts them.
        using var policy = TorchPolicy.Open(handle, new ComputeResources("cpu", 1, 1L << 30));
        IPolicy contract = policy;
        string[] prompts = ["What does the cow eat?", "List two animals.", "What does the cow eat?"];

        var result = await contract.GenerateAsync(new GenerationRequest(prompts, new DecodingOptions(1.0, 1.0, 8, 3)), CancellationToken.None);
        var again = await contract.GenerateAsync(new GenerationRequest(prompts, new DecodingOptions(1.0, 1.0, 8, 3)), CancellationToken.None);

        Assert.Equal(3, result.Outputs.Count);
        Assert.Equal(result.Outputs, again.Outputs);
        // The repeat is sampled under its own key ("text#1"), not copied from the first (8 tokens at temperature 1).
        Assert.NotEqual(result.Outputs[0], result.Outputs[2]);
        Assert.Equal([handle], contract.Dependencies);
    }

    [Fact]
    public void Devices_resolve_to_cpu_or_fail_with_the_reason()
    {
        Assert.Equal(DeviceType.CPU, TorchDevice.Resolve("cpu").type);
        Assert.Throws<ArgumentException>(() => TorchDevice.Resolve("gpu"));
        if (!torch.cuda.is_available())
            Assert.Contains("TorchSharp-cuda", Assert.Throws<ArgumentException>(() => TorchDevice.Resolve("cuda:0")).Message);
    }
}
