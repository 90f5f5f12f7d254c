using AlpacaFarm.Abstractions.Text;
using AlpacaFarm.Abstractions.Randomness;
using AlpacaFarm.Modeling.Runtime;
using AlpacaFarm.Modeling.Scoring;
using AlpacaFarm.Modeling.Tokenization;
using AlpacaFarm.Modeling.Training;
using TorchSharp;

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

    [Fact]
    public void Scores_come_back_in_the_items_order_whatever_the_length_sorted_batches()
    {
        var tokenizer = TinyWorld.Tokenizer();
        using var model = new RewardModel(TinyWorld.Config(tokenizer), TorchSeeding.Generator("test-init", "reward", 3));
        var items = Enumerable.Range(0, 23).Select(Pair).SelectMany(p => new[] { (p.Instruction, p.Chosen), (p.Instruction, p.Rejected) }).ToArray();

        var batched = model.Score(tokenizer, items, batchSize: 8);
        var alone = items.Select(item => model.Score(tokenizer, [item], batchSize: 1)[0]).ToArray();

        Assert.Equal(alone.Length, batched.Length);
        for (var i = 0; i < items.Length; i++) Assert.True(Math.Abs(alone[i] - batched[i]) < 1e-4, $"item {i}: {alone[i]} alone, {batched[i]} batched");
        Assert.True(batched.Distinct().Count() > items.Length / 2, "scores should differ between texts");
    }

    [Fact]
    public void Responses_to_repeated_instructions_score_as_each_text_alone()
    {
        var tokenizer = TinyWorld.Tokenizer();
        using var model = new RewardModel(TinyWorld.Config(tokenizer), TorchSeeding.Generator("test-init", "reward", 5));
        var pairs = Enumerable.Range(0, 7).Select(Pair).ToArray();
        // Five instructions with three responses each (the prompts are computed once, over two batches of four), and two
        // instructions met once.
        var items = pairs[..5].SelectMany(p => new[] { (p.Instruction, p.Chosen), (p.Instruction, p.Rejected), (p.Instruction, p.Chosen + " " + p.Rejected) })
            .Concat(pairs[5..].Select(p => (p.Instruction, p.Chosen))).ToArray();

        var shared = model.Score(tokenizer, items, batchSize: 4);
        var alone = items.Select(item => model.Score(tokenizer, [item], batchSize: 1)[0]).ToArray();

        for (var i = 0; i < items.Length; i++) Assert.True(Math.Abs(alone[i] - shared[i]) < 1e-4, $"item {i}: {alone[i]} alone, {shared[i]} shared");
        Assert.True(shared.Distinct().Count() > items.Length / 2, "scores should differ between texts");
    }

    [Fact]
    public void With_its_head_zeroed_a_reward_model_started_from_a_policy_scores_beta_times_the_policys_mean_log_probability()
    {
        var tokenizer = TinyWorld.Tokenizer();
        var (policy, _) = TinyWorld.Overfit(tokenizer);
        using var __ = policy;
        using var model = new RewardModel(policy.Config, TorchSeeding.Generator("test-init", "reward", 4));
        model.CopyBackboneFrom(policy);
        using (torch.no_grad())
        {
            foreach (var (name, parameter) in model.named_parameters().Where(p => p.name.StartsWith("score_head", StringComparison.Ordinal))) parameter.zero_();
        }
        (string, string)[] items = [("What does the cow eat?", "The cow eats grass."), ("What does the cow eat?", "The cow eats mud.")];

        var scores = model.Score(tokenizer, items);

        for (var i = 0; i < items.Length; i++)
        {
            var response = PromptFormat.Response(tokenizer, items[i].Item2);
            var total = LogProbs.SequenceTotals(policy, [PromptFormat.Prompt(tokenizer, items[i].Item1)], [response], tokenizer.PadId)[0];
            Assert.Equal(RewardModel.InitialLikelihoodWeight * total / response.Length, scores[i], 4);
        }
        Assert.True(scores[0] > scores[1], $"the policy's own answer scored {scores[0]}, a wrong one {scores[1]}");
    }

    [Fact]
    public void The_per_token_terms_are_beta_times_each_tokens_log_probability_and_average_to_the_readout()
    {
        // Started from a policy, the reward model's language-model head is the policy's, so each term is β × the policy's
        // own log-probability of that token (read separately); the shorter response's padding gets 0.
        var tokenizer = TinyWorld.Tokenizer();
        var (policy, _) = TinyWorld.Overfit(tokenizer);
        using var __ = policy;
        using var model = new RewardModel(policy.Config, TorchSeeding.Generator("test-init", "reward", 5));
        model.CopyBackboneFrom(policy);
        var prompt = PromptFormat.Prompt(tokenizer, "What does the cow eat?");
        int[][] responses = [PromptFormat.Response(tokenizer, "The cow eats grass."), PromptFormat.Response(tokenizer, "Mud.")];
        var batch = SequenceBatch.Build([prompt, prompt], responses, tokenizer.PadId, torch.CPU);
        using var noGrad = torch.no_grad();

        var (tokenHead, terms) = model.ScoreTokens(batch);
        var (head, readout) = model.ScoreParts(batch);
        var expected = LogProbs.OfResponses(policy, batch);

        var (width, termValues, expectedValues) = ((int)terms.shape[1], terms.data<float>().ToArray(), expected.data<float>().ToArray());
        Assert.Equal(responses.Max(r => r.Length), width);
        for (var row = 0; row < responses.Length; row++)
        {
            for (var t = 0; t < width; t++)
            {
                var term = termValues[row * width + t];
                if (t >= responses[row].Length) Assert.Equal(0, term);
                else Assert.Equal(RewardModel.InitialLikelihoodWeight * expectedValues[row * width + t], term, 4);
            }
            var mean = termValues[(row * width)..(row * width + responses[row].Length)].Average();
            Assert.Equal(readout[row].item<float>(), mean, 4);
            Assert.Equal(head[row].item<float>(), tokenHead[row].item<float>());
        }
    }

    // Chosen and rejected are random filler sentences; only the chosen one mentions grass.
    private static PreferenceExample Pair(int index)
    {
        var random = KeyedRandom.Create("test-pairs", index.ToString(System.Globalization.CultureInfo.InvariantCulture), 0);
        string Sentence(bool grass)
        {
            var words = Enumerable.Range(0, 3 + random.NextInt(4)).Select(_ => random.Choose(TinyWorld.FillerWords)).ToList();
            if (grass) words.Insert(random.NextInt(words.Count + 1), "grass");
            return CanonicalText.Detokenize([.. words, "."]);
        }
        var instruction = CanonicalText.Detokenize(["Tell", "me", "about", random.Choose(TinyWorld.FillerWords), "."]);
        return new PreferenceExample(instruction, Sentence(grass: true), Sentence(grass: false));
    }
}
