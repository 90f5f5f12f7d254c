using System.Text.Json;
using AlpacaFarm.Abstractions.Randomness;
using AlpacaFarm.Modeling.Runtime;
using AlpacaFarm.Modeling.Tokenization;
using AlpacaFarm.Modeling.Training;
using AlpacaFarm.Modeling.Transformer;
using TorchSharp;
using static TorchSharp.torch;

namespace AlpacaFarm.Tests.Modeling;

/// <summary>The fast paths (preallocated KV cache, bf16 mixed precision) give the results of the plain ones.</summary>
[Collection(TorchCollection.Name)]
public sealed class PerformanceTests
{
    [Fact]
    public void A_preallocated_kv_cache_gives_the_hidden_states_of_the_concatenating_one_and_of_a_full_forward()
    {
        var tokenizer = TinyWorld.Tokenizer();
        using var model = TinyWorld.Model(tokenizer, seed: 5);
        model.eval();
        using var scope = NewDisposeScope();
        using var noGrad = torch.no_grad();
        var prompts = TinyWorld.Prompts(tokenizer, ["Tell me about the red duck in the field.", "Where does the pig sleep?"]);
        var width = prompts.Max(p => p.Count);
        // Two left-padded rows, fed as 5 tokens, then one at a time.
        var ids = torch.tensor(prompts.SelectMany(p => Enumerable.Repeat((long)tokenizer.PadId, width - p.Count).Concat(p.Select(i => (long)i))).ToArray(), [2, width]);
        var mask = ids.ne(tokenizer.PadId);
        var positions = CausalTransformer.PositionsFromMask(mask);
        var full = model.Hidden(ids, mask, positions);

        Tensor Pieces(KvCache cache)
        {
            var parts = new List<Tensor> { model.Hidden(ids.narrow(1, 0, 5), mask.narrow(1, 0, 5), positions.narrow(1, 0, 5), cache) };
            for (var t = 5; t < width; t++)
                parts.Add(model.Hidden(ids.narrow(1, t, 1), mask.narrow(1, 0, t + 1), positions.narrow(1, t, 1), cache));
            return torch.cat(parts, 1);
        }
        using var concatenating = new KvCache(model.Config.Depth);
        using var preallocated = new KvCache(model.Config.Depth, capacity: width);
        var viaConcatenation = Pieces(concatenating);
        var viaBuffers = Pieces(preallocated);

        Assert.Equal(width, preallocated.Length);
        Assert.Equal(width, concatenating.Length);
        Assert.True(viaBuffers.allclose(viaConcatenation, rtol: 1e-5, atol: 1e-6), "preallocated and concatenating caches differ");
        Assert.True(viaBuffers.allclose(full, rtol: 1e-4, atol: 1e-5), "cached pieces differ from one full forward");
        Assert.Throws<InvalidOperationException>(() => model.Hidden(ids.narrow(1, 0, 1), cache: preallocated));
    }

    [Fact]
    public void In_a_greedy_decode_loop_that_drops_a_row_the_preallocated_cache_gives_the_logits_of_the_concatenating_one()
    {
        // The sampler uses the concatenating cache; this is the preallocated one's only check beyond the prompt pieces above.
        var tokenizer = TinyWorld.Tokenizer();
        using var model = TinyWorld.Model(tokenizer, seed: 6);
        model.eval();
        using var scope = NewDisposeScope();
        using var noGrad = torch.no_grad();
        var prompts = TinyWorld.Prompts(tokenizer, ["What does the cow eat?", "List two animals.", "Tell me about the red duck in the field."]);
        var width = prompts.Max(p => p.Count);
        const int steps = 10;
        var ids = torch.tensor(prompts.SelectMany(p => Enumerable.Repeat((long)tokenizer.PadId, width - p.Count).Concat(p.Select(i => (long)i))).ToArray(), [3, width]);
        var mask = ids.ne(tokenizer.PadId);
        var positions = CausalTransformer.PositionsFromMask(mask);
        using var concatenating = new KvCache(model.Config.Depth);
        using var preallocated = new KvCache(model.Config.Depth, capacity: width + steps);
        using var one = 1.ToScalar(); // held: an implicit temporary may be finalized mid-call (see HeldScalars)
        Tensor Last(Tensor input, Tensor at, KvCache cache) => model.Logits(model.Hidden(input, mask, at, cache).select(1, -1));

        var (viaConcatenation, viaBuffers) = (Last(ids, positions, concatenating), Last(ids, positions, preallocated));
        for (var step = 0; step < steps; step++)
        {
            Assert.True(viaBuffers.allclose(viaConcatenation, rtol: 1e-5, atol: 1e-5), $"step {step}: the caches' logits differ");
            var next = viaConcatenation.argmax(-1).unsqueeze(1);
            if (step == 3)
            {
                // As the sampler does when a row finishes: both caches keep rows 0 and 2 only.
                var kept = torch.tensor(new long[] { 0, 2 });
                concatenating.KeepRows(kept);
                preallocated.KeepRows(kept);
                (ids, mask, positions, next) = (ids.index_select(0, kept), mask.index_select(0, kept), positions.index_select(0, kept), next.index_select(0, kept));
            }
            var at = positions.select(1, -1).unsqueeze(1) + one;
            (ids, mask, positions) = (torch.cat([ids, next], 1), torch.cat([mask, torch.ones_like(next, dtype: ScalarType.Bool)], 1), torch.cat([positions, at], 1));
            (viaConcatenation, viaBuffers) = (Last(next, at, concatenating), Last(next, at, preallocated));
        }

        Assert.Equal(width + steps, preallocated.Length);
        Assert.Equal(width + steps, concatenating.Length);
        Assert.True(viaBuffers.allclose(viaConcatenation, rtol: 1e-5, atol: 1e-5), "the caches' last logits differ");
        // Both against recomputing the surviving rows' whole sequences without a cache.
        var recomputed = model.Logits(model.Hidden(ids, mask, positions).select(1, -1));
        Assert.True(viaBuffers.allclose(recomputed, rtol: 1e-4, atol: 1e-4), "cached decoding differs from recomputation");
    }

    [Fact]
    public void Bf16_mixed_precision_keeps_fp32_outputs_close_to_the_fp32_forward()
    {
        var tokenizer = TinyWorld.Tokenizer();
        using var model = TinyWorld.Model(tokenizer, seed: 7);
        model.eval();
        using var scope = NewDisposeScope();
        using var noGrad = torch.no_grad();
        var ids = TinyWorld.PromptIds(tokenizer, "Tell me about the red duck in the field.");
        var fp32 = model.Logits(model.Hidden(ids));

        model.Precision = MatmulPrecision.Bf16Mixed;
        var hidden = model.Hidden(ids);
        var bf16 = model.Logits(hidden);

        Assert.Equal(ScalarType.Float32, hidden.dtype);
        Assert.Equal(ScalarType.Float32, bf16.dtype);
        Assert.All(model.parameters(), p => Assert.Equal(ScalarType.Float32, p.dtype));
        var error = (bf16 - fp32).abs().max().item<float>() / fp32.abs().max().item<float>();
        Assert.True(error is > 0f and < 0.05f, $"relative error {error}");
    }

    [Fact]
    public void Bf16_mixed_sft_reaches_nearly_the_loss_of_fp32_and_gives_the_model_its_precision_back()
    {
        var tokenizer = TinyWorld.Tokenizer();
        var options = new TrainingOptions(Epochs: 60, BatchSize: 4, LearningRate: 3e-3, WeightDecay: 0, Seed: 3);
        double FinalLoss(MatmulPrecision precision)
        {
            using var model = TinyWorld.Model(tokenizer);
            var result = new SftTrainer(model, tokenizer, options with { Precision = precision }).Train(TinyWorld.Examples);
            Assert.Equal(MatmulPrecision.Fp32, model.Precision);
            Assert.All(model.parameters(), p => Assert.Equal(ScalarType.Float32, p.dtype));
            Assert.True(result.Losses[^1] < result.Losses[0] * 0.2, $"{precision}: loss went from {result.Losses[0]} to {result.Losses[^1]}");
            return result.Losses.TakeLast(5).Average();
        }

        var fp32 = FinalLoss(MatmulPrecision.Fp32);
        var bf16 = FinalLoss(MatmulPrecision.Bf16Mixed);

        Assert.True(Math.Abs(bf16 - fp32) < 0.05 + 0.1 * fp32, $"fp32 final loss {fp32}, bf16 {bf16}");
    }

    [Fact]
    public void Bf16_mixed_reward_training_learns_and_restores_the_backbone_precision()
    {
        var tokenizer = TinyWorld.Tokenizer();
        var pairs = Enumerable.Range(0, 120).Select(i =>
        {
            var random = KeyedRandom.Create("test-pairs-bf16", i.ToString(System.Globalization.CultureInfo.InvariantCulture), 0);
            var filler = random.Choose(TinyWorld.FillerWords);
            return new PreferenceExample($"Tell me about {filler}.", $"The {filler} eats grass.", $"The {filler} eats hay.");
        }).ToArray();
        using var model = new RewardModel(TinyWorld.Config(tokenizer), TorchSeeding.Generator("test-init", "reward", 1));
        var options = new TrainingOptions(Epochs: 3, BatchSize: 16, LearningRate: 2e-3, Seed: 2, Precision: MatmulPrecision.Bf16Mixed);

        var result = new RewardTrainer(model, tokenizer, options).Train(pairs[..100], pairs[100..]);

        Assert.Equal(MatmulPrecision.Fp32, model.Backbone.Precision);
        Assert.True(result.HeldOutAccuracy > 0.9, $"held-out accuracy {result.HeldOutAccuracy}");
    }

    [Fact]
    public void The_precision_enters_the_options_json_only_when_it_is_not_fp32()
    {
        var fp32 = JsonSerializer.Serialize(new TrainingOptions());
        var bf16 = JsonSerializer.Serialize(new TrainingOptions(Precision: MatmulPrecision.Bf16Mixed));

        Assert.DoesNotContain("Precision", fp32, StringComparison.Ordinal);
        Assert.Contains("\"Precision\":\"Bf16Mixed\"", bf16, StringComparison.Ordinal);
        Assert.NotNull(new TrainingOptions(Precision: (MatmulPrecision)7).Problem());
    }
}
