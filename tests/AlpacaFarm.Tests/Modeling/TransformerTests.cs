using AlpacaFarm.Modeling.Generation;
using AlpacaFarm.Modeling.Scoring;
using AlpacaFarm.Modeling.Tokenization;
using AlpacaFarm.Modeling.Training;
using AlpacaFarm.Modeling.Transformer;
using TorchSharp;
using static TorchSharp.torch;

namespace AlpacaFarm.Tests.Modeling;

[Collection(TorchCollection.Name)]
public sealed class TransformerTests
{
    private static readonly string[] MixedPrompts =
        ["What does the cow eat?", "List two animals.", "Tell me about the red duck in the field.", "Is the sun warm today?", "Where?"];

    [Fact]
    public void The_model_overfits_a_tiny_dataset_and_greedy_generation_reproduces_it()
    {
        var tokenizer = TinyWorld.Tokenizer();
        var (model, result) = TinyWorld.Overfit(tokenizer);
        using var _ = model;

        Assert.True(result.Losses[^1] < 0.05, $"final loss {result.Losses[^1]} (first {result.Losses[0]})");
        var prompts = TinyWorld.Prompts(tokenizer, TinyWorld.Examples.Select(e => e.Instruction));
        var generated = new Sampler(model, tokenizer).Generate(
            prompts, [.. TinyWorld.Examples.Select(e => e.Instruction)], SamplingOptions.Greedy(30, batchSize: 3));
        Assert.Equal(
            TinyWorld.Examples.Select(e => e.Response),
            generated.Select(ids => tokenizer.Decode(PromptFormat.UntilEos(tokenizer, ids))));
        Assert.All(generated, ids => Assert.Equal(tokenizer.EosId, ids[^1]));

        // Responses of different lengths: rows that finish leave the batch and its cache; the others are unaffected.
        string[] keys = [.. Enumerable.Range(0, 8).Select(i => $"row {i}")];
        IReadOnlyList<IReadOnlyList<int>> eight = [.. prompts, .. prompts];
        var sampling = new SamplingOptions(1.5, 1.0, 30, 11, BatchSize: 8);
        var together = new Sampler(model, tokenizer).Generate(eight, keys, sampling);
        var alone = Enumerable.Range(0, 8).Select(i => new Sampler(model, tokenizer).Generate([eight[i]], [keys[i]], sampling with { BatchSize = 1 })[0]);
        Assert.Equal(alone, together);
        Assert.True(together.Select(ids => ids.Length).Distinct().Count() > 1, "responses of one length do not exercise the compaction");
    }

    [Fact]
    public void Sampling_is_reproducible_from_the_seed_and_independent_of_the_batch()
    {
        var tokenizer = TinyWorld.Tokenizer();
        using var model = TinyWorld.Model(tokenizer);
        var sampler = new Sampler(model, tokenizer);
        var prompts = TinyWorld.Prompts(tokenizer, MixedPrompts);
        string[] keys = [.. MixedPrompts];
        IReadOnlyList<int[]> Sample(long seed, int batchSize) =>
            sampler.Generate(prompts, keys, new SamplingOptions(1.0, 0.9, 12, seed, batchSize));

        var first = Sample(5, 2);

        Assert.Equal(first, Sample(5, 2));
        Assert.Equal(first, Sample(5, 5));
        Assert.NotEqual(first, Sample(6, 2));
        var alone = sampler.Generate([prompts[2]], [keys[2]], new SamplingOptions(1.0, 0.9, 12, 5, 1));
        Assert.Equal(first[2], alone[0]);
    }

    [Fact]
    public void Rows_repeating_a_prompt_share_its_prefill_and_each_samples_what_it_samples_alone()
    {
        var tokenizer = TinyWorld.Tokenizer();
        using var model = TinyWorld.Model(tokenizer, seed: 3);
        var sampler = new Sampler(model, tokenizer);
        var distinct = TinyWorld.Prompts(tokenizer, MixedPrompts);
        var prompts = distinct.SelectMany(p => Enumerable.Repeat(p, 3)).ToArray();
        var keys = MixedPrompts.SelectMany(p => Enumerable.Range(0, 3).Select(draw => $"{p}#{draw}")).ToArray();
        var options = new SamplingOptions(1.0, 0.9, 12, 7, BatchSize: 15);

        var together = sampler.Generate(prompts, keys, options);

        for (var i = 0; i < prompts.Length; i++)
            Assert.Equal(sampler.Generate([prompts[i]], [keys[i]], options with { BatchSize = 1 })[0], together[i]);
        Assert.True(Enumerable.Range(0, distinct.Count).Any(p => !together[3 * p].SequenceEqual(together[3 * p + 1])),
            "a prompt's draws should differ (distinct keys)");
        Assert.NotNull(PromptSharing.Of(prompts));
    }

    [Fact]
    public void Prompt_sharing_maps_each_row_to_the_first_row_with_its_tokens()
    {
        IReadOnlyList<int>[] prompts = [[1, 2], [3], [1, 2], [3], [4], [1, 2, 0]];

        var sharing = PromptSharing.Of(prompts)!;

        Assert.Equal([0, 1, 4, 5], sharing.Distinct);
        Assert.Equal([0L, 1, 0, 1, 2, 3], sharing.Source);
        Assert.Null(PromptSharing.Of([[1, 2], [2, 1], [1]]));
    }

    [Fact]
    public void Greedy_generation_with_the_kv_cache_equals_full_recomputation()
    {
        var tokenizer = TinyWorld.Tokenizer();
        using var model = TinyWorld.Model(tokenizer, seed: 2);
        var sampler = new Sampler(model, tokenizer);
        var prompts = TinyWorld.Prompts(tokenizer, MixedPrompts);
        string[] keys = [.. MixedPrompts];

        var cached = sampler.Generate(prompts, keys, SamplingOptions.Greedy(20, batchSize: 5));
        var recomputed = sampler.Generate(prompts, keys, SamplingOptions.Greedy(20, batchSize: 5) with { UseKvCache = false });

        Assert.Equal(recomputed, cached);
        Assert.All(cached, ids => Assert.NotEmpty(ids));
    }

    [Fact]
    public void Hidden_states_fed_through_the_cache_in_pieces_match_one_full_forward()
    {
        var tokenizer = TinyWorld.Tokenizer();
        using var model = TinyWorld.Model(tokenizer, seed: 4);
        model.eval();
        using var scope = NewDisposeScope();
        using var noGrad = torch.no_grad();
        var ids = TinyWorld.PromptIds(tokenizer, "Tell me about the red duck in the field.");
        var full = model.Hidden(ids);

        using var cache = new KvCache(model.Config.Depth);
        var head = model.Hidden(ids.narrow(1, 0, 6), cache: cache);
        var tail = model.Hidden(ids.narrow(1, 6, ids.shape[1] - 6), cache: cache);

        Assert.True(torch.cat([head, tail], 1).allclose(full, rtol: 1e-4, atol: 1e-5));
    }

    [Fact]
    public void Rotary_positions_make_attention_depend_on_offsets_only()
    {
        var tokenizer = TinyWorld.Tokenizer();
        using var model = TinyWorld.Model(tokenizer, seed: 6);
        model.eval();
        using var scope = NewDisposeScope();
        using var noGrad = torch.no_grad();
        var ids = TinyWorld.PromptIds(tokenizer, "Tell me about the red duck in the field.");
        var length = ids.shape[1];
        Tensor Hidden(long start) => model.Hidden(ids, positions: torch.arange(start, start + length, dtype: ScalarType.Int64).unsqueeze(0));

        var atZero = Hidden(0);

        // Shifting every position by the same amount leaves all offsets, hence the output, unchanged; reversing them does not.
        Assert.True(Hidden(7).allclose(atZero, rtol: 1e-4, atol: 1e-4));
        var reversed = model.Hidden(ids, positions: torch.arange(length - 1, -1, -1, dtype: ScalarType.Int64).unsqueeze(0));
        Assert.False(reversed.allclose(atZero, rtol: 1e-2, atol: 1e-2));
    }

    [Fact]
    public void Log_probabilities_match_a_manual_log_softmax_and_gather_on_each_unpadded_sequence()
    {
        var tokenizer = TinyWorld.Tokenizer();
        using var model = TinyWorld.Model(tokenizer, seed: 3);
        model.eval();
        using var scope = NewDisposeScope();
        using var noGrad = torch.no_grad();
        var prompts = TinyWorld.Prompts(tokenizer, TinyWorld.Examples.Select(e => e.Instruction));
        IReadOnlyList<IReadOnlyList<int>> responses = [.. TinyWorld.Examples.Select(e => (IReadOnlyList<int>)PromptFormat.Response(tokenizer, e.Response))];
        var batch = SequenceBatch.Build(prompts, responses, tokenizer.PadId, torch.CPU);

        var logProbs = LogProbs.OfResponses(model, batch);

        for (var row = 0; row < prompts.Count; row++)
        {
            var sequence = prompts[row].Concat(responses[row]).Select(i => (long)i).ToArray();
            var manual = model.forward(torch.tensor(sequence).unsqueeze(0)).log_softmax(-1)[0];
            for (var j = 0; j < responses[row].Count; j++)
            {
                var expected = manual[prompts[row].Count + j - 1, responses[row][j]].item<float>();
                Assert.Equal(expected, logProbs[row, j].item<float>(), 4);
            }
            for (var j = responses[row].Count; j < logProbs.shape[1]; j++) Assert.Equal(0f, logProbs[row, j].item<float>());
        }
        var totals = LogProbs.SequenceTotals(model, prompts, responses, tokenizer.PadId);
        Assert.Equal(logProbs.sum(1).data<float>().ToArray(), totals);
    }

    [Fact]
    public void Log_probabilities_at_a_temperature_are_those_of_the_distribution_the_sampler_draws_from_at_it()
    {
        var tokenizer = TinyWorld.Tokenizer();
        using var model = TinyWorld.Model(tokenizer, seed: 3);
        model.eval();
        using var scope = NewDisposeScope();
        using var noGrad = torch.no_grad();
        var prompt = TinyWorld.Prompts(tokenizer, ["List two animals."])[0];
        var logits = model.forward(torch.tensor(prompt.Select(i => (long)i).ToArray()).unsqueeze(0))[0, -1];
        var vocabulary = (int)logits.shape[0];

        // Each first response token's log-probability at T = 0.5 against log_softmax(logits / 0.5), computed here.
        var manual = logits.div(0.5).log_softmax(-1);
        var everyToken = SequenceBatch.Build([.. Enumerable.Repeat(prompt, vocabulary)], [.. Enumerable.Range(0, vocabulary).Select(t => (IReadOnlyList<int>)[t])],
            tokenizer.PadId, torch.CPU);
        var tempered = LogProbs.OfResponses(model, everyToken, 0.5)[.., 0];
        Assert.True(tempered.allclose(manual, rtol: 1e-4, atol: 1e-4));
        Assert.True(LogProbs.OfResponses(model, everyToken, 1.0).allclose(LogProbs.OfResponses(model, everyToken)));

        // 4,000 first tokens drawn at T = 0.5: the likeliest token's frequency is its tempered probability (4 binomial
        // SE), and not its probability at T = 1, which lies further away than that.
        const int draws = 4000;
        var top = (int)manual.argmax().item<long>();
        var atHalf = Math.Exp(tempered[top].item<float>());
        var atOne = Math.Exp(logits.log_softmax(-1)[top].item<float>());
        var firsts = new Sampler(model, tokenizer).Generate([.. Enumerable.Repeat(prompt, draws)], [.. Enumerable.Range(0, draws).Select(i => $"draw {i}")],
            new SamplingOptions(0.5, 1.0, 1, 5, BatchSize: 500));
        var frequency = firsts.Count(ids => ids[0] == top) / (double)draws;
        var bound = 4 * Math.Sqrt(atHalf * (1 - atHalf) / draws);
        Assert.True(Math.Abs(frequency - atHalf) < bound, $"frequency {frequency}, tempered probability {atHalf}, bound {bound}");
        Assert.True(Math.Abs(atOne - atHalf) > 2 * bound, $"probability at T = 1 {atOne} is too close to {atHalf} for the test to tell them apart");
        Assert.Throws<ArgumentOutOfRangeException>(() => LogProbs.Tempered(logits, 0));
    }

    [Fact]
    public void The_value_head_gives_one_value_per_position()
    {
        var tokenizer = TinyWorld.Tokenizer();
        using var model = TinyWorld.Model(tokenizer, valueHead: true);
        using var scope = NewDisposeScope();
        var ids = TinyWorld.PromptIds(tokenizer, "What does the cow eat?");

        var values = model.Values(model.Hidden(ids));

        Assert.Equal(new long[] { 1, ids.shape[1] }, values.shape);
        using var plain = TinyWorld.Model(tokenizer);
        Assert.Throws<InvalidOperationException>(() => plain.Values(plain.Hidden(ids)));
    }

    [Fact]
    public void Live_tensors_stay_flat_over_many_sft_steps()
    {
        var tokenizer = TinyWorld.Tokenizer();
        using var model = TinyWorld.Model(tokenizer);
        var live = new List<long>();
        DisposeScopeManager.Statistics.Reset();
        var recorder = new Recorder<TrainingProgress>(_ => live.Add(DisposeScopeManager.Statistics.ThreadTotalLiveCount));
        var options = new TrainingOptions(Epochs: 40, BatchSize: 2, Seed: 1, ProgressEvery: 1);

        new SftTrainer(model, tokenizer, options).Train(TinyWorld.Examples, recorder);

        Assert.Equal(80, live.Count);
        Assert.All(live.Skip(2), count => Assert.Equal(live[2], count));
        Assert.Equal(Enumerable.Range(1, 80), recorder.Reports.Select(r => r.Step));
    }

    [Fact]
    public void The_learning_rate_warms_up_linearly_then_decays_by_cosine()
    {
        Assert.Equal(0.25, AdamWSchedule.LearningRateAt(0, 1.0, 4, 104, 0.1), 12);
        Assert.Equal(1.0, AdamWSchedule.LearningRateAt(3, 1.0, 4, 104, 0.1), 12);
        Assert.Equal(1.0, AdamWSchedule.LearningRateAt(4, 1.0, 4, 104, 0.1), 12);
        Assert.Equal(0.55, AdamWSchedule.LearningRateAt(54, 1.0, 4, 104, 0.1), 12);
        Assert.Equal(0.1, AdamWSchedule.LearningRateAt(104, 1.0, 4, 104, 0.1), 12);
    }
}
