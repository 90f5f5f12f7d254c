using AlpacaFarm.Abstractions.Randomness;
using AlpacaFarm.Modeling.Runtime;
using AlpacaFarm.Modeling.Tokenization;
using AlpacaFarm.Modeling.Training;

namespace AlpacaFarm.Tests.Modeling;

[Collection(TorchCollection.Name)]
public sealed class RewardModelTests
{
    [Fact]
    public void A_reward_model_learns_a_planted_preference_for_responses_mentioning_grass()
    {
        var tokenizer = TinyWorld.Tokenizer();
        var pairs = Enumerable.Range(0, 260).Select(Pair).ToArray();
        using var model = new RewardModel(TinyWorld.Config(tokenizer), TorchSeeding.Generator("test-init", "reward", 1));
        var options = new TrainingOptions(Epochs: 4, BatchSize: 16, LearningRate: 2e-3, Seed: 2);
        var recorder = new Recorder<TrainingProgress>();

        var result = new RewardTrainer(model, tokenizer, options).Train(pairs[..200], pairs[200..], recorder);

        Assert.True(result.HeldOutAccuracy > 0.9, $"held-out accuracy {result.HeldOutAccuracy}");
        Assert.True(result.Training.Losses[^1] < result.Training.Losses[0], "the loss did not fall");
        Assert.Equal(options.TotalSteps(200), recorder.Reports[^1].Step);
    }

    // Chosen and rejected are random filler sentences; only the chosen one mentions grass.
    private static PreferenceExample Pair(int index)
    {
        var random = KeyedRandom.Create("test-pairs", index.ToString(System.Globalization.CultureInfo.InvariantCulture), 0);
        string Sentence(bool grass)
        {
            var words = Enumerable.Range(0, 3 + random.NextInt(4)).Select(_ => random.Choose(TinyWorld.FillerWords)).ToList();
            if (grass) words.Insert(random.NextInt(words.Count + 1), "grass");
            return WordTokenizer.Join([.. words, "."]);
        }
        var instruction = WordTokenizer.Join(["Tell", "me", "about", random.Choose(TinyWorld.FillerWords), "."]);
        return new PreferenceExample(instruction, Sentence(grass: true), Sentence(grass: false));
    }
}
