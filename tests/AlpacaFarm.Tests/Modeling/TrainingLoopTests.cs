using AlpacaFarm.Abstractions.Randomness;
using AlpacaFarm.Modeling.Runtime;
using AlpacaFarm.Modeling.Scoring;
using AlpacaFarm.Modeling.Tokenization;
using AlpacaFarm.Modeling.Training;
using AlpacaFarm.Modeling.Transformer;
using TorchSharp;

namespace AlpacaFarm.Tests.Modeling;

[Collection(TorchCollection.Name)]
public sealed class TrainingLoopTests
{
    [Fact]
    public void Each_epoch_visits_every_example_once_in_the_keyed_order_and_progress_carries_the_schedules_rate()
    {
        var tokenizer = TinyWorld.Tokenizer();
        using var model = TinyWorld.Model(tokenizer);
        var options = new TrainingOptions(Epochs: 2, BatchSize: 3, LearningRate: 1e-3, WarmupFraction: 0.5, Seed: 4, ProgressEvery: 2);
        var batches = new List<int[]>();
        var recorder = new Recorder<TrainingProgress>();

        var result = TrainingLoop.Run(model, options, 7, "test-order", indices =>
        {
            batches.Add(indices);
            return SftLoss(model, tokenizer, indices);
        }, recorder);

        // 7 examples in batches of 3: 3 steps an epoch, the last of one example.
        Assert.Equal([3, 3, 1, 3, 3, 1], batches.Select(b => b.Length));
        Assert.Equal(6, result.Steps);
        for (var epoch = 0; epoch < 2; epoch++)
        {
            var order = Enumerable.Range(0, 7).ToArray();
            KeyedRandom.Create("test-order", $"epoch {epoch}", 4).Shuffle(order);
            Assert.Equal(order, batches.Skip(3 * epoch).Take(3).SelectMany(b => b));
        }
        Assert.NotEqual(batches[0].Concat(batches[1]), batches[3].Concat(batches[4]));
        // Warm-up of round(0.5 × 6) = 3 steps, then cosine decay over 3: steps 2, 4 and 6 run at 2/3 of the peak, the
        // peak, and 2/3 of the way down to the floor (0.1 × peak).
        Assert.Equal([2, 4, 6], recorder.Reports.Select(r => r.Step));
        Assert.Equal(2e-3 / 3, recorder.Reports[0].LearningRate, 12);
        Assert.Equal(1e-3, recorder.Reports[1].LearningRate, 12);
        Assert.Equal(1e-4 + 9e-4 * 0.5 * (1 + Math.Cos(2 * Math.PI / 3)), recorder.Reports[2].LearningRate, 12);
        Assert.Equal(result.Losses[1], recorder.Reports[0].Loss);
        Assert.False(model.training);
    }

    [Fact]
    public void Nested_transformers_train_in_the_options_precision_and_get_theirs_back_even_when_cancelled()
    {
        var tokenizer = TinyWorld.Tokenizer();
        using var reward = new RewardModel(TinyWorld.Config(tokenizer), TorchSeeding.Generator("test-init", "loop", 1));
        var options = new TrainingOptions(Epochs: 1, BatchSize: 1, Precision: MatmulPrecision.Bf16Mixed);
        using var cancel = new CancellationTokenSource();
        var seen = new List<MatmulPrecision>();

        Assert.Throws<OperationCanceledException>(() => TrainingLoop.Run(reward, options, 4, "test-order", indices =>
        {
            seen.Add(reward.Backbone.Precision);
            if (seen.Count == 2) cancel.Cancel();
            return SftLoss(reward.Backbone, tokenizer, indices);
        }, cancellationToken: cancel.Token));

        Assert.Equal([MatmulPrecision.Bf16Mixed, MatmulPrecision.Bf16Mixed], seen);
        Assert.Equal(MatmulPrecision.Fp32, reward.Backbone.Precision);
    }

    private static StepLoss SftLoss(CausalTransformer model, WordTokenizer tokenizer, int[] indices)
    {
        var examples = indices.Select(i => TinyWorld.Examples[i % TinyWorld.Examples.Length]).ToArray();
        var batch = SequenceBatch.Build(
            [.. examples.Select(e => PromptFormat.Prompt(tokenizer, e.Instruction))],
            [.. examples.Select(e => PromptFormat.Response(tokenizer, e.Response))], tokenizer.PadId, torch.CPU);
        return new StepLoss(SftTrainer.Loss(model, batch), batch.RealTokens);
    }
}
