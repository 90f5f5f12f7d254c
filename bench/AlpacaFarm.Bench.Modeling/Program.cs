using System.Diagnostics;
using System.Globalization;
using AlpacaFarm.Modeling.Generation;
using AlpacaFarm.Modeling.Runtime;
using AlpacaFarm.Modeling.Scoring;
using AlpacaFarm.Modeling.Tokenization;
using AlpacaFarm.Modeling.Training;
using AlpacaFarm.Modeling.Transformer;
using AlpacaFarm.Simulation;
using TorchSharp;
using static TorchSharp.torch;

// Modeling throughput on this machine, one table; every number sits beside its reference measured in the same run.
// Usage: dotnet run -c Release --project bench/AlpacaFarm.Bench.Modeling -- [--threads N] [--only peak,train,gen,bon] [--steps N]
var threads = Environment.ProcessorCount;
var only = new HashSet<string>(["peak", "train", "gen", "bon"], StringComparer.Ordinal);
var steps = 120;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--threads": threads = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--only": only = new HashSet<string>(args[++i].Split(','), StringComparer.Ordinal); break;
        case "--steps": steps = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        default: throw new ArgumentException($"unknown argument '{args[i]}'");
    }
}

_ = TorchRuntime.Describe();
torch.set_num_threads(threads);
var tokenizer = new WordTokenizer(FarmWorld.Vocabulary);
// The host's default farm recipe (FarmRecipe.Default): depth 3, width 192, 4 heads, 96 positions, SFT batch 32.
var config = new TransformerConfig(tokenizer.VocabularySize, Depth: 3, Width: 192, Heads: 4, MaxSequenceLength: 96);
var rows = new List<(string What, string Value, string Reference)>();
Console.WriteLine($"threads {torch.get_num_threads()} (interop {torch.get_num_interop_threads()}), libtorch {torch.__version__}, " +
                  $"vocabulary {config.VocabularySize}, parameters {Parameters(config):N0}");

double fp32Peak = double.NaN;
if (only.Contains("peak") || only.Contains("train"))
{
    var (fp32, bf16) = Bench.MatmulPeaks();
    fp32Peak = fp32;
    rows.Add(("fp32 matmul peak (square 1024–2048, best)", $"{fp32:F0} GFLOP/s", ""));
    rows.Add(("bf16 matmul peak (square 1024–2048, best)", $"{bf16:F0} GFLOP/s", $"{bf16 / fp32:F2}× fp32"));
}

if (only.Contains("train"))
{
    var splits = FarmWorld.Generate(new FarmSplitSizes(Sft: 32 * (steps + 4) + 512, Preference: 0, Unlabeled: 0, Validation: 0, Eval: 0), FarmWorld.DefaultSeed);
    var fitted = splits.Sft.Select(d => Bench.Fit(tokenizer, d.Instruction, d.Output, config.MaxSequenceLength)).ToArray();
    var fp32 = Bench.Train(config, tokenizer, fitted, steps, bf16: false);
    rows.Add(("fp32 training, default policy, batch 32", $"{fp32.RealTokensPerSecond:F0} tok/s", $"{steps} steps, final loss {fp32.FinalLoss:F4}"));
    rows.Add(("  achieved (6·N·positions + attention)", $"{fp32.GflopsPerSecond:F1} GFLOP/s",
        $"{fp32.GflopsPerSecond / fp32Peak:P0} of fp32 peak; padding {fp32.PaddingFraction:P0}"));
}

if (only.Contains("gen"))
{
    using var policy = new CausalTransformer(config, TorchSeeding.Generator("bench-init", "policy", 0));
    var prompts = FarmEvalSet.Load().Items
        .Select(item => (IReadOnlyList<int>)PromptFormat.Prompt(tokenizer, item.Instruction))
        .Where(p => p.Count <= config.MaxSequenceLength - 64).Take(64).ToArray();
    foreach (var (batch, reps) in new[] { (1, 5), (16, 3), (64, 2) })
    {
        var (kv, full) = Bench.Generation(policy, tokenizer, prompts[..batch], reps);
        rows.Add(($"generation, 64 new tokens, batch {batch}, KV cache", $"{kv:F0} tok/s", $"{full:F0} tok/s recomputing: {kv / full:F1}×"));
    }
}

if (only.Contains("bon"))
{
    var (total, generate, score, samples) = Bench.BestOfN(config, tokenizer, n: 16, generationBatch: 256, scoreBatch: 256);
    rows.Add(("Best-of-16 over eval-805 (random-init policy + RM)", $"{total:F1} s",
        $"generate {generate:F1} s + score {score:F1} s, {samples} samples"));
}

var width = rows.Max(r => r.What.Length);
var valueWidth = rows.Max(r => r.Value.Length);
Console.WriteLine();
Console.WriteLine($"{"Measurement".PadRight(width)} | {"Value".PadRight(valueWidth)} | Reference (same run)");
Console.WriteLine($"{new string('-', width)}-|-{new string('-', valueWidth)}-|-{new string('-', 40)}");
foreach (var (what, value, reference) in rows) Console.WriteLine($"{what.PadRight(width)} | {value.PadRight(valueWidth)} | {reference}");
return;

static long Parameters(TransformerConfig config)
{
    using var model = new CausalTransformer(config, TorchSeeding.Generator("bench-init", "count", 0));
    return model.parameters().Sum(p => p.numel());
}

internal sealed record TrainingMeasure(double RealTokensPerSecond, double GflopsPerSecond, double PaddingFraction, double FinalLoss);

internal static class Bench
{
    /// <summary>Best fp32 and bf16 GFLOP/s over square matmuls of 1024 and 2048, the two dtypes interleaved.</summary>
    public static (double Fp32, double Bf16) MatmulPeaks()
    {
        double best32 = 0, best16 = 0;
        foreach (var n in new[] { 1024, 2048 })
        {
            using var scope = NewDisposeScope();
            var a = torch.randn([n, n], generator: TorchSeeding.Generator("bench", "a", n));
            var b = torch.randn([n, n], generator: TorchSeeding.Generator("bench", "b", n));
            var (a16, b16) = (a.to(ScalarType.BFloat16), b.to(ScalarType.BFloat16));
            var flops = 2.0 * n * n * n;
            var repeats = n == 1024 ? 8 : 2;
            for (var round = 0; round < 4; round++)
            {
                best32 = Math.Max(best32, flops * repeats / Seconds(() => { for (var r = 0; r < repeats; r++) a.matmul(b).Dispose(); }) / 1e9);
                best16 = Math.Max(best16, flops * repeats / Seconds(() => { for (var r = 0; r < repeats; r++) a16.matmul(b16).Dispose(); }) / 1e9);
            }
        }
        return (best32, best16);
    }

    /// <summary>Prompt and response ids cut to the model's length (as the trainers do).</summary>
    public static (int[] Prompt, int[] Response) Fit(ITokenizer tokenizer, string instruction, string response, int maxLength)
    {
        var prompt = PromptFormat.Prompt(tokenizer, instruction);
        var answer = PromptFormat.Response(tokenizer, response);
        if (prompt.Length + answer.Length <= maxLength) return (prompt, answer);
        var promptRoom = Math.Max(maxLength - answer.Length, maxLength / 2);
        if (prompt.Length > promptRoom) prompt = prompt[^promptRoom..];
        return (prompt, answer[..Math.Min(answer.Length, maxLength - prompt.Length)]);
    }

    /// <summary>SFT steps as SftTrainer takes them (batch 32, AdamW schedule); 4 untimed warm-up steps first.</summary>
    public static TrainingMeasure Train(TransformerConfig config, ITokenizer tokenizer, (int[] Prompt, int[] Response)[] data, int steps, bool bf16)
    {
        _ = bf16;
        using var model = new CausalTransformer(config, TorchSeeding.Generator("bench-init", "sft", 0));
        var options = new TrainingOptions(Epochs: 1, BatchSize: 32, LearningRate: 2e-3);
        using var schedule = new AdamWSchedule(model, options, steps + 4);
        model.train();
        long real = 0;
        double flops = 0, positions = 0;
        var losses = new List<double>();
        var clock = new Stopwatch();
        for (var step = 0; step < steps + 4; step++)
        {
            var batchData = data.Skip(step * 32).Take(32).ToArray();
            if (step == 4) clock.Start();
            using var scope = NewDisposeScope();
            var batch = SequenceBatch.Build([.. batchData.Select(d => d.Prompt)], [.. batchData.Select(d => d.Response)], tokenizer.PadId, torch.CPU);
            schedule.ZeroGrad();
            var loss = SftTrainer.Loss(model, batch);
            loss.backward();
            schedule.Step();
            losses.Add(loss.item<float>());
            if (step < 4) continue;
            real += batch.RealTokens;
            var (b, t, r) = (batch.InputIds.shape[0], batch.InputIds.shape[1], batch.ResponseIds.shape[1]);
            positions += b * t;
            flops += 6.0 * 12 * config.Width * config.Width * config.Depth * b * t // block matmuls, forward + backward
                     + 12.0 * config.Depth * b * t * t * config.Width             // QKᵀ and AV, forward + backward
                     + 6.0 * config.VocabularySize * config.Width * b * r;       // tied LM head on response positions
        }
        var seconds = clock.Elapsed.TotalSeconds;
        return new TrainingMeasure(real / seconds, flops / seconds / 1e9, 1 - real / positions, losses.TakeLast(20).Average());
    }

    /// <summary>Tokens/s with and without the KV cache (interleaved, median of <paramref name="reps"/>).</summary>
    public static (double Kv, double Full) Generation(CausalTransformer model, ITokenizer tokenizer, IReadOnlyList<int>[] prompts, int reps)
    {
        var sampler = new Sampler(model, tokenizer);
        var keys = prompts.Select((_, i) => $"bench {i}").ToArray();
        double Run(bool kv, out long tokens)
        {
            var options = new SamplingOptions(1.0, 1.0, 64, 0, prompts.Length, UseKvCache: kv);
            IReadOnlyList<int[]> result = [];
            var seconds = Seconds(() => result = sampler.Generate(prompts, keys, options));
            tokens = result.Sum(r => (long)r.Length);
            return seconds;
        }
        Run(true, out _);
        var kvRates = new List<double>();
        var fullRates = new List<double>();
        for (var rep = 0; rep < reps; rep++)
        {
            var s = Run(true, out var tokens);
            kvRates.Add(tokens / s);
            s = Run(false, out tokens);
            fullRates.Add(tokens / s);
        }
        return (Median(kvRates), Median(fullRates));
    }

    /// <summary>n samples per eval-805 instruction from a random-init policy, scored by a random-init reward model; argmax kept.</summary>
    public static (double Total, double Generate, double Score, int Samples) BestOfN(
        TransformerConfig config, WordTokenizer tokenizer, int n, int generationBatch, int scoreBatch)
    {
        using var policy = new CausalTransformer(config, TorchSeeding.Generator("bench-init", "policy", 0));
        using var reward = new RewardModel(config, TorchSeeding.Generator("bench-init", "reward", 0));
        var instructions = FarmEvalSet.Load().Items.Select(item => item.Instruction).ToArray();
        var prompts = instructions.SelectMany(i => Enumerable.Repeat((IReadOnlyList<int>)PromptFormat.Prompt(tokenizer, i), n)).ToArray();
        var keys = instructions.SelectMany(i => Enumerable.Range(0, n).Select(k => k == 0 ? i : $"{i}#{k}")).ToArray();
        var total = Stopwatch.StartNew();
        var generated = new Sampler(policy, tokenizer).Generate(prompts, keys, new SamplingOptions(1.0, 1.0, 64, 0, generationBatch));
        var generate = total.Elapsed.TotalSeconds;
        var texts = generated.Select(ids => tokenizer.Decode(PromptFormat.UntilEos(tokenizer, ids))).ToArray();
        var rewards = reward.Score(tokenizer, [.. texts.Select((t, i) => (instructions[i / n], t))], scoreBatch);
        var best = Enumerable.Range(0, instructions.Length)
            .Select(i => texts[i * n + Enumerable.Range(0, n).MaxBy(k => rewards[i * n + k])]).ToArray();
        var seconds = total.Elapsed.TotalSeconds;
        if (best.Length != instructions.Length) throw new InvalidOperationException("one best output per instruction");
        return (seconds, generate, seconds - generate, prompts.Length);
    }

    public static double Seconds(Action action)
    {
        var clock = Stopwatch.StartNew();
        action();
        return clock.Elapsed.TotalSeconds;
    }

    public static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
