using System.Diagnostics;
using System.Globalization;
using AlpacaFarm.Abstractions.Artifacts;
using AlpacaFarm.Abstractions.Policies;
using AlpacaFarm.Abstractions.Randomness;
using AlpacaFarm.Modeling.Checkpoints;
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
// Usage: dotnet run -c Release --project bench/AlpacaFarm.Bench.Modeling -- [--threads N] [--only peak,train,gen,bon,group] [--steps N]
//          [--policy DIR --reward DIR]   (Best-of-16 with trained checkpoints, e.g. the home's artifacts/policy/… and rewardmodel/…)
//          --only nested --policy DIR --reward DIR --out DIR [--keep 1,4,16,64] [--temperature 0.5] [--top-p 0.9]
//                                         (one nested Best-of-n run over eval-805 at the candidate decoding given (the Best-of-n
//                                          plugin's default unless set), n = the largest k;
//                                          writes best-of-K.json per k for `alpacafarm evaluate --reference farm --outputs`)
//          --only parts --reward DIR --outputs FILE[,FILE...] [--policy DIR]
//                                         (the reward model's two readouts, the last-token head and β × the mean response
//                                          log-probability, averaged over each AlpacaEval-format outputs file; with
//                                          --policy also the mean response log-probability under the reward model's
//                                          language-model head and under that policy, e.g. the SFT reference)
//          --anchor DIR                   (also writes DIR/anchor-input.json, the model shape, the SFT batches and the generation
//                                          prompts of train and gen, and DIR/dotnet.json, their figures, for
//                                          bench/torch-reference.py: the same measurements in PyTorch, with ratios)
//          --only lanes --policy DIR [--batch 256]
//                                         (4,096 samples of a trained policy in one lane at --threads and in --threads
//                                          lanes of one thread each (the SDK's default), three times: speeds, and how many
//                                          samples differ)
//          --only sharpen --policy DIR --reward DIR [--temperatures 1,0.53] [--kl-coef 0.2]
//                                         (the SFT policy sampled at each temperature T on 512 unlabeled instructions, as
//                                          PPO's rollouts are: the reward model's readouts, and the KL to the same policy
//                                          at 1, Σ log p_T − log p_1 per response, whole and clamped at 0 per token as PPO
//                                          charges it: what PPO's optimum under the farm's reward earns, plugins/Ppo/README.md)
var threads = Environment.ProcessorCount;
var only = new HashSet<string>(["peak", "train", "gen", "bon"], StringComparer.Ordinal);
var steps = 120;
string? policyDir = null, rewardDir = null, outDir = null, anchorDir = null;
string[] outputsFiles = [];
int[] keep = [1, 4, 16, 64];
double temperature = 0.5, topP = 0.9; // plugins/BestOfN's default candidate decoding
double[] temperatures = [1, 0.53];
var klCoefficient = 0.2; // plugins/Ppo's default
var generationBatch = 256; // plugins/BestOfN's and plugins/ExpertIteration's sampling and scoring batch
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--threads": threads = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--only": only = new HashSet<string>(args[++i].Split(','), StringComparer.Ordinal); break;
        case "--steps": steps = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--policy": policyDir = args[++i]; break;
        case "--reward": rewardDir = args[++i]; break;
        case "--out": outDir = args[++i]; break;
        case "--anchor": anchorDir = args[++i]; break;
        case "--outputs": outputsFiles = args[++i].Split(','); break;
        case "--keep": keep = [.. args[++i].Split(',').Select(k => int.Parse(k, CultureInfo.InvariantCulture))]; break;
        case "--temperature": temperature = double.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--top-p": topP = double.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--temperatures": temperatures = [.. args[++i].Split(',').Select(t => double.Parse(t, CultureInfo.InvariantCulture))]; break;
        case "--kl-coef": klCoefficient = double.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--batch": generationBatch = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        default: throw new ArgumentException($"unknown argument '{args[i]}'");
    }
}

_ = TorchRuntime.Describe();
torch.set_num_threads(threads);
var tokenizer = new WordTokenizer(FarmWorld.Vocabulary);
// The host's default farm recipe (FarmRecipe.Default): depth 3, width 192, 4 heads, 96 positions, SFT batch 32.
var config = new TransformerConfig(tokenizer.VocabularySize, Depth: 3, Width: 192, Heads: 4, MaxSequenceLength: 96);
var rows = new List<(string What, string Value, string Reference)>();
var anchor = new AnchorFiles(config, threads);

// The first `count` demonstrations of a farm world drawn with an sft split of that size, fitted to the model's positions.
(int[] Prompt, int[] Response)[] SftExamples(int count) =>
    [.. FarmWorld.Generate(new FarmSplitSizes(Sft: count, Preference: 0, Unlabeled: 0, Validation: 0, Eval: 0), FarmWorld.DefaultSeed).Sft
        .Select(d => PromptFormat.Fit(tokenizer, d.Instruction, d.Output, config.MaxSequenceLength))];
Console.WriteLine($"threads {torch.get_num_threads()} (interop {torch.get_num_interop_threads()}), libtorch {torch.__version__}, " +
                  $"vocabulary {config.VocabularySize}, parameters {Parameters(config):N0}");

double fp32Peak = double.NaN;
if (only.Contains("peak") || only.Contains("train"))
{
    var (fp32, bf16) = Bench.MatmulPeaks();
    fp32Peak = fp32;
    anchor.Figures["fp32_peak_gflops"] = fp32;
    rows.Add(("fp32 matmul peak (square 1024–2048, best)", $"{fp32:F0} GFLOP/s", ""));
    rows.Add(("bf16 matmul peak (square 1024–2048, best)", $"{bf16:F0} GFLOP/s", $"{bf16 / fp32:F2}× fp32"));
}

if (only.Contains("train"))
{
    var fitted = SftExamples(32 * (steps + 4) + 512);
    var measures = Bench.Train(config, tokenizer, fitted, steps, [MatmulPrecision.Fp32, MatmulPrecision.Bf16Mixed]);
    var (fp32, bf16) = (measures[0], measures[1]);
    anchor.SftBatches = [.. fitted.Take(32 * (steps + 4)).Chunk(32)];
    anchor.Figures["sft_tokens_per_second"] = fp32.RealTokensPerSecond;
    anchor.Figures["sft_padding"] = fp32.PaddingFraction;
    rows.Add(("fp32 training, default policy, batch 32", $"{fp32.RealTokensPerSecond:F0} tok/s", $"{steps} steps, final loss {fp32.FinalLoss:F5} (mean of last 20)"));
    rows.Add(("  achieved (6·N·positions + attention)", $"{fp32.GflopsPerSecond:F1} GFLOP/s",
        $"{fp32.GflopsPerSecond / fp32Peak:P0} of fp32 peak; padding {fp32.PaddingFraction:P0}"));
    rows.Add(("bf16-mixed training, same batches, interleaved", $"{bf16.RealTokensPerSecond:F0} tok/s",
        $"{bf16.RealTokensPerSecond / fp32.RealTokensPerSecond:F2}× fp32; final loss {bf16.FinalLoss:F5} ({(bf16.FinalLoss / fp32.FinalLoss - 1) * 100:+0.00;-0.00}% vs fp32)"));
}

if (only.Contains("group"))
{
    // The same SFT examples batched two ways: in the split's order (as SftTrainer batches them) and length-grouped (each
    // window of 32 batches sorted by prompt length into bands of 4 batches, each band sorted by response length and cut
    // into batches of 32 (prompts are left-padded and responses right-padded apart, so both lengths count), the batches
    // in a keyed order).
    var fitted = SftExamples(32 * (steps + 4) + 512)[..(32 * (steps + 4))];
    var grouped = fitted.Chunk(32 * 32)
        .SelectMany(window => window.OrderBy(d => d.Prompt.Length).Chunk(32 * 4)
            .SelectMany(band => band.OrderBy(d => d.Response.Length).Chunk(32)))
        .OrderBy(batch => KeyedRandom.Hash64("bench group", $"{batch[0].Prompt.Length} {batch[0].Response.Length} {batch.Length}", 0))
        .SelectMany(batch => batch).ToArray();
    var asIs = Bench.Train(config, tokenizer, fitted, steps, [MatmulPrecision.Fp32], padded: true)[0];
    var packed = Bench.Train(config, tokenizer, fitted, steps, [MatmulPrecision.Fp32])[0];
    var byLength = Bench.Train(config, tokenizer, grouped, steps, [MatmulPrecision.Fp32], padded: true)[0];
    rows.Add(("fp32 training, the split's order, padded layout", $"{asIs.RealTokensPerSecond:F0} tok/s", $"padding {asIs.PaddingFraction:P0}; final loss {asIs.FinalLoss:F5}"));
    rows.Add(("fp32 training, the split's order, packed rows", $"{packed.RealTokensPerSecond:F0} tok/s",
        $"padding {packed.PaddingFraction:P0}; {packed.RealTokensPerSecond / asIs.RealTokensPerSecond:F2}× padded; final loss {packed.FinalLoss:F5}"));
    rows.Add(("fp32 training, length-grouped batches, padded layout", $"{byLength.RealTokensPerSecond:F0} tok/s",
        $"padding {byLength.PaddingFraction:P0}; {byLength.RealTokensPerSecond / asIs.RealTokensPerSecond:F2}× padded"));
}

if (only.Contains("prof"))
{
    var fitted = SftExamples(32 * 20);
    Bench.Profile(config, tokenizer, fitted, MatmulPrecision.Fp32);
    Bench.Profile(config, tokenizer, fitted, MatmulPrecision.Bf16Mixed);
}

if (only.Contains("gen"))
{
    using var policy = new CausalTransformer(config, TorchSeeding.Generator("bench-init", "policy", 0));
    var prompts = FarmEvalSet.Load().Items
        .Select(item => (IReadOnlyList<int>)PromptFormat.Prompt(tokenizer, item.Instruction))
        .Where(p => p.Count <= config.MaxSequenceLength - 64).Take(256).ToArray();
    var (preallocated, concatenating) = Bench.CacheDecode(policy, prompts[..64], steps: 64, reps: 3);
    rows.Add(("decode loop, batch 64, preallocated KV cache", $"{preallocated:F0} tok/s", $"{concatenating:F0} tok/s concatenating: {preallocated / concatenating:F2}×"));
    anchor.Prompts = [.. prompts.Select(p => p.ToArray())];
    foreach (var (batch, reps) in new[] { (1, 5), (16, 3), (64, 2), (256, 2) })
    {
        var (kv, full) = Bench.Generation(policy, tokenizer, prompts[..batch], reps);
        anchor.Figures[$"generation_batch_{batch}_tokens_per_second"] = kv;
        rows.Add(($"generation, 64 new tokens, batch {batch}, KV cache", $"{kv:F0} tok/s", $"{full:F0} tok/s recomputing: {kv / full:F1}×"));
    }
}

if (only.Contains("bon"))
{
    // Trained checkpoints end their answers early (end-of-sequence); a random-init policy runs every sample to the cap.
    var trained = policyDir is not null && rewardDir is not null;
    var what = trained ? "trained SFT + RM" : "random-init policy + RM, 64 tokens each";
    var fp32 = Bench.BestOfN(config, tokenizer, policyDir, rewardDir, n: 16, batch: 256, MatmulPrecision.Fp32);
    rows.Add(($"Best-of-16 over eval-805 ({what})", $"{fp32.Total:F1} s",
        $"generate {fp32.Generate:F1} s + score {fp32.Score:F1} s, {fp32.Best.Length * 16} samples, fp32"));
    var bf16 = Bench.BestOfN(config, tokenizer, policyDir, rewardDir, n: 16, batch: 256, MatmulPrecision.Bf16Mixed);
    rows.Add(("Best-of-16, bf16 inference (opt-in)", $"{bf16.Total:F1} s",
        $"generate {bf16.Generate:F1} s + score {bf16.Score:F1} s; {bf16.Total / fp32.Total:F2}× fp32 time (samples differ from fp32's)"));
}

if (only.Contains("nested"))
{
    if (policyDir is null || rewardDir is null || outDir is null) throw new ArgumentException("--only nested needs --policy, --reward and --out");
    var (seconds, meanScores) = Bench.NestedBestOfN(policyDir, rewardDir, outDir, keep, threads, temperature, topP, generationBatch);
    foreach (var k in keep.Order())
        rows.Add(($"nested Best-of-{k} over eval-805 (one run of n = {keep.Max()})", $"{meanScores[k]:F4}", $"mean proxy score; outputs {Path.Combine(outDir, $"best-of-{k}.json")}"));
    rows.Add(($"nested Best-of-{keep.Max()} run", $"{seconds:F1} s", "generate and score every draw"));
}

if (only.Contains("parts"))
{
    if (rewardDir is null || outputsFiles.Length == 0) throw new ArgumentException("--only parts needs --reward and --outputs");
    var (reward, rewardTokenizer) = Checkpoint.LoadRewardModel(ArtifactHandle.ForFolder(ArtifactKind.RewardModel, rewardDir, "bench"));
    using var rewardModel = reward;
    using var policy = policyDir is null ? null : Checkpoint.LoadPolicy(ArtifactHandle.ForFolder(ArtifactKind.Policy, policyDir, "bench")).Model;
    foreach (var file in outputsFiles)
    {
        var parts = Bench.ScoreParts(rewardModel, rewardTokenizer, policy, file);
        rows.Add(($"reward readouts of {Path.GetFileName(file)} ({parts.Count} outputs)", $"{parts.Head + parts.Likelihood:F4}",
            $"head {parts.Head:F4} + likelihood {parts.Likelihood:F4}"));
        if (policyDir is not null)
            rows.Add(($"mean log-probability of {Path.GetFileName(file)}, reward LM − policy", $"{parts.RewardLogProb - parts.PolicyLogProb:F4}",
                $"reward model's LM head {parts.RewardLogProb:F4}, policy {parts.PolicyLogProb:F4}"));
    }
}

if (only.Contains("lanes"))
{
    if (policyDir is null) throw new ArgumentException("--only lanes needs --policy");
    rows.AddRange(Lanes.Measure(policyDir, tokenizer, threads, generationBatch, instructions: 1024, draws: 4, reps: 3));
}

if (only.Contains("sharpen"))
{
    if (rewardDir is null || policyDir is null) throw new ArgumentException("--only sharpen needs --policy (the SFT policy) and --reward");
    var (reward, _) = Checkpoint.LoadRewardModel(ArtifactHandle.ForFolder(ArtifactKind.RewardModel, rewardDir, "bench"));
    using var rewardModel = reward;
    using var policy = Checkpoint.LoadPolicy(ArtifactHandle.ForFolder(ArtifactKind.Policy, policyDir, "bench")).Model;
    var prompts = FarmWorld.Generate(FarmSplitSizes.Paper, FarmWorld.DefaultSeed).Unlabeled.Take(512)
        .Select(i => PromptFormat.Prompt(tokenizer, i.Instruction)).ToArray();
    foreach (var t in temperatures)
    {
        var m = Bench.Sharpened(policy, rewardModel, tokenizer, prompts, t);
        rows.Add(($"SFT at T = {t} on {prompts.Length} unlabeled instructions: score", $"{m.Head + m.Likelihood:F4}",
            $"head {m.Head:F4} + likelihood {m.Likelihood:F4}; length {m.Length:F1} tokens"));
        rows.Add(($"SFT at T = {t}: KL to SFT at 1 per response", $"{m.Kl:F3}",
            $"clamped per token {m.ClampedKl:F3}; score − {klCoefficient} × clamped {m.Head + m.Likelihood - klCoefficient * m.ClampedKl:F4}"));
    }
}

if (anchorDir is not null) anchor.Write(anchorDir);
if (rows.Count == 0) return;
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

/// <summary>
/// What bench/torch-reference.py needs to measure the same work in PyTorch: the model's shape, the very SFT batches and
/// generation prompts this run timed (token ids), and this run's figures, to print beside its own as ratios.
/// </summary>
internal sealed class AnchorFiles(TransformerConfig config, int threads)
{
    public (int[] Prompt, int[] Response)[][] SftBatches { get; set; } = [];

    public int[][] Prompts { get; set; } = [];

    public Dictionary<string, double> Figures { get; } = [];

    public void Write(string folder)
    {
        Directory.CreateDirectory(folder);
        var input = new
        {
            vocabulary = config.VocabularySize, depth = config.Depth, width = config.Width, heads = config.Heads,
            max_positions = config.MaxSequenceLength, mlp_ratio = config.MlpRatio, threads, warmup_steps = 4,
            new_tokens = 64, generation_batches = new[] { 1, 16, 64, 256 },
            sft_batches = SftBatches.Select(batch => batch.Select(d => new[] { d.Prompt, d.Response })),
            prompts = Prompts,
        };
        File.WriteAllText(Path.Combine(folder, "anchor-input.json"), System.Text.Json.JsonSerializer.Serialize(input));
        File.WriteAllText(Path.Combine(folder, "dotnet.json"), System.Text.Json.JsonSerializer.Serialize(Figures));
    }
}

internal sealed record TrainingMeasure(double RealTokensPerSecond, double GflopsPerSecond, double PaddingFraction, double FinalLoss);

internal static class Bench
{
    /// <summary>
    /// The policy sampled at temperature <paramref name="t"/> (one keyed draw per prompt): mean reward readouts, mean
    /// response length, and the mean per-response KL of the tempered policy to itself at 1, whole and clamped per token.
    /// </summary>
    public static (double Head, double Likelihood, double Kl, double ClampedKl, double Length) Sharpened(
        CausalTransformer policy, RewardModel rewardModel, ITokenizer tokenizer, int[][] prompts, double t)
    {
        policy.eval();
        rewardModel.eval();
        var responses = new Sampler(policy, tokenizer).Generate(prompts,
            [.. prompts.Select((_, i) => string.Create(CultureInfo.InvariantCulture, $"sharpen rollout {i}"))],
            new SamplingOptions(t, 1.0, 300, 0, 64), CancellationToken.None);
        double head = 0, likelihood = 0, kl = 0, clamped = 0, length = 0;
        var kept = Enumerable.Range(0, prompts.Length).Where(i => responses[i].Length > 0).ToArray();
        using var noGrad = torch.no_grad();
        foreach (var chunk in kept.Chunk(64))
        {
            using var scope = NewDisposeScope();
            var batch = SequenceBatch.Build([.. chunk.Select(i => prompts[i])], [.. chunk.Select(i => responses[i])], tokenizer.PadId, torch.CPU);
            var logits = policy.Logits(LogProbs.ResponseHidden(policy.Hidden(batch.Packed), batch));
            var difference = LogProbs.OfResponses(LogProbs.Tempered(logits, t), batch).sub(LogProbs.OfResponses(logits, batch));
            kl += difference.sum().item<float>();
            clamped += difference.clamp_min(HeldScalars.Zero).sum().item<float>();
            var (h, l) = rewardModel.ScoreParts(batch);
            head += h.sum().item<float>();
            likelihood += l.sum().item<float>();
            length += chunk.Sum(i => responses[i].Length);
        }
        return (head / kept.Length, likelihood / kept.Length, kl / kept.Length, clamped / kept.Length, length / kept.Length);
    }

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

    /// <summary>
    /// SFT steps as SftTrainer takes them (batch 32, AdamW schedule), one model per precision from the same initial weights
    /// on the same batches, their steps interleaved; 4 untimed warm-up steps first.
    /// </summary>
    public static TrainingMeasure[] Train(
        TransformerConfig config, ITokenizer tokenizer, (int[] Prompt, int[] Response)[] data, int steps, MatmulPrecision[] precisions,
        bool padded = false)
    {
        var models = precisions.Select(p => new CausalTransformer(config, TorchSeeding.Generator("bench-init", "sft", 0)) { Precision = p }).ToArray();
        var options = new TrainingOptions(Epochs: 1, BatchSize: 32, LearningRate: 2e-3);
        var schedules = models.Select(m => new AdamWSchedule(m, options, steps + 4)).ToArray();
        var clocks = models.Select(_ => new Stopwatch()).ToArray();
        var losses = models.Select(_ => new List<double>()).ToArray();
        long real = 0;
        double flops = 0, positions = 0;
        try
        {
            foreach (var model in models) model.train();
            for (var step = 0; step < steps + 4; step++)
            {
                var batchData = data.Skip(step * 32).Take(32).ToArray();
                for (var m = 0; m < models.Length; m++)
                {
                    var clock = clocks[m];
                    if (step >= 4) clock.Start();
                    using var scope = NewDisposeScope();
                    var batch = SequenceBatch.Build([.. batchData.Select(d => d.Prompt)], [.. batchData.Select(d => d.Response)], tokenizer.PadId, torch.CPU);
                    schedules[m].ZeroGrad();
                    var loss = padded ? PaddedLoss(models[m], batch) : SftTrainer.Loss(models[m], batch);
                    loss.backward();
                    schedules[m].Step();
                    losses[m].Add(loss.item<float>());
                    clock.Stop();
                    if (step < 4 || m > 0) continue;
                    real += batch.RealTokens;
                    var computed = padded ? batch.InputIds : batch.Packed.InputIds;
                    var (b, t, r) = (computed.shape[0], computed.shape[1], batch.ResponseIds.shape[1]);
                    positions += b * t;
                    flops += 6.0 * 12 * config.Width * config.Width * config.Depth * b * t // block matmuls, forward + backward
                             + 12.0 * config.Depth * b * t * t * config.Width             // QKᵀ and AV, forward + backward
                             + 6.0 * config.VocabularySize * config.Width * batch.ResponseIds.shape[0] * r; // tied LM head on response positions
                }
            }
        }
        finally
        {
            foreach (var schedule in schedules) schedule.Dispose();
            foreach (var model in models) model.Dispose();
        }
        return [.. clocks.Select((clock, m) => new TrainingMeasure(
            real / clock.Elapsed.TotalSeconds, flops / clock.Elapsed.TotalSeconds / 1e9, 1 - real / positions, losses[m].TakeLast(20).Average()))];
    }

    /// <summary>SFT's loss over the padded layout itself (prompts left-padded, responses right-padded), as before packing.</summary>
    private static Tensor PaddedLoss(CausalTransformer model, SequenceBatch batch)
    {
        using var scope = NewDisposeScope();
        var hidden = model.Hidden(batch.InputIds, batch.AttentionMask, batch.Positions);
        var logProbs = LogProbs.OfResponses(model.Logits(LogProbs.ResponseHidden(hidden, batch)), batch);
        return (-logProbs.sum() / batch.ResponseMask.sum().clamp_min(HeldScalars.One)).MoveToOuterDisposeScope();
    }

    /// <summary>Where an SFT step's time goes (forward, backward, optimizer), printed.</summary>
    public static void Profile(TransformerConfig config, ITokenizer tokenizer, (int[] Prompt, int[] Response)[] data, MatmulPrecision precision)
    {
        using var model = new CausalTransformer(config, TorchSeeding.Generator("bench-init", "sft", 0)) { Precision = precision };
        var lastLoss = 0.0;
        using var schedule = new AdamWSchedule(model, new TrainingOptions(Epochs: 1, BatchSize: 32, LearningRate: 2e-3), 20);
        model.train();
        double build = 0, forward = 0, backward = 0, step = 0;
        for (var s = 0; s < 20; s++)
        {
            var batchData = data.Skip(s * 32).Take(32).ToArray();
            using var scope = NewDisposeScope();
            var clock = Stopwatch.StartNew();
            var batch = SequenceBatch.Build([.. batchData.Select(d => d.Prompt)], [.. batchData.Select(d => d.Response)], tokenizer.PadId, torch.CPU);
            var t0 = clock.Elapsed.TotalSeconds;
            schedule.ZeroGrad();
            var loss = SftTrainer.Loss(model, batch);
            lastLoss = loss.item<float>();
            var t1 = clock.Elapsed.TotalSeconds;
            loss.backward();
            var t2 = clock.Elapsed.TotalSeconds;
            schedule.Step();
            var t3 = clock.Elapsed.TotalSeconds;
            if (s < 4) continue;
            (build, forward, backward, step) = (build + t0, forward + t1 - t0, backward + t2 - t1, step + t3 - t2);
            if (s == 4) Console.WriteLine($"padded layout {batch.InputIds.shape[0]}×{batch.InputIds.shape[1]}, computed as packed rows {batch.Packed.InputIds.shape[0]}×{batch.Packed.InputIds.shape[1]}, response width {batch.ResponseIds.shape[1]}");
        }
        Console.WriteLine($"{precision}: last loss {lastLoss:F6}; per step (ms): build {build / 16 * 1e3:F1}, forward {forward / 16 * 1e3:F1}, backward {backward / 16 * 1e3:F1}, optimizer {step / 16 * 1e3:F1}");
    }

    /// <summary>
    /// A bare greedy decode loop (model.Hidden + Logits + argmax) over equal-length prompts, with the preallocated and the
    /// concatenating KV cache, interleaved: tokens/s of each (median).
    /// </summary>
    public static (double Preallocated, double Concatenating) CacheDecode(CausalTransformer model, IReadOnlyList<int>[] prompts, int steps, int reps)
    {
        var width = prompts.Min(p => p.Count);
        var ids = prompts.SelectMany(p => p.Take(width).Select(i => (long)i)).ToArray();
        double Run(bool preallocate)
        {
            using var scope = NewDisposeScope();
            using var inference = torch.inference_mode();
            using var cache = preallocate ? new KvCache(model.Config.Depth, width + steps) : new KvCache(model.Config.Depth);
            var input = torch.tensor(ids, [prompts.Length, width]);
            return Seconds(() =>
            {
                for (var step = 0; step < steps; step++)
                {
                    using var stepScope = NewDisposeScope();
                    var hidden = model.Hidden(input, cache: cache);
                    input = model.Logits(hidden.select(1, -1)).argmax(-1).unsqueeze(1).MoveToOuterDisposeScope();
                }
            });
        }
        model.eval();
        Run(true);
        var (a, b) = (new List<double>(), new List<double>());
        for (var rep = 0; rep < reps; rep++)
        {
            a.Add(prompts.Length * steps / Run(true));
            b.Add(prompts.Length * steps / Run(false));
        }
        return (Median(a), Median(b));
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

    /// <summary>
    /// n samples per eval-805 instruction (the evaluation's decoding: temperature 0.7, top-p 0.9), scored by a reward
    /// model; argmax kept. Checkpoints from the given folders, else random-init models of <paramref name="config"/>.
    /// </summary>
    public static (double Total, double Generate, double Score, string[] Best) BestOfN(
        TransformerConfig config, WordTokenizer tokenizer, string? policyDir, string? rewardDir, int n, int batch, MatmulPrecision precision)
    {
        var trained = policyDir is not null && rewardDir is not null;
        using var policy = trained
            ? Checkpoint.LoadPolicy(ArtifactHandle.ForFolder(ArtifactKind.Policy, policyDir!, "bench")).Model
            : new CausalTransformer(config, TorchSeeding.Generator("bench-init", "policy", 0));
        using var reward = trained
            ? Checkpoint.LoadRewardModel(ArtifactHandle.ForFolder(ArtifactKind.RewardModel, rewardDir!, "bench")).Model
            : new RewardModel(config, TorchSeeding.Generator("bench-init", "reward", 0));
        policy.Precision = precision;
        reward.Backbone.Precision = precision;
        var instructions = FarmEvalSet.Load().Items.Select(item => item.Instruction).ToArray();
        var prompts = instructions.SelectMany(i => Enumerable.Repeat((IReadOnlyList<int>)PromptFormat.Prompt(tokenizer, i), n)).ToArray();
        var keys = instructions.SelectMany(i => Enumerable.Range(0, n).Select(k => k == 0 ? i : $"{i}#{k}")).ToArray();
        var decoding = trained ? SamplingOptions.From(DecodingOptions.Evaluation(0), batch) : new SamplingOptions(1.0, 1.0, 64, 0, batch);
        var total = Stopwatch.StartNew();
        var generated = new Sampler(policy, tokenizer).Generate(prompts, keys, decoding);
        var generate = total.Elapsed.TotalSeconds;
        var texts = generated.Select(ids => tokenizer.Decode(PromptFormat.UntilEos(tokenizer, ids))).ToArray();
        var rewards = reward.Score(tokenizer, [.. texts.Select((t, i) => (instructions[i / n], t))], batch);
        var best = Enumerable.Range(0, instructions.Length)
            .Select(i => texts[i * n + Enumerable.Range(0, n).MaxBy(k => rewards[i * n + k])]).ToArray();
        var seconds = total.Elapsed.TotalSeconds;
        if (best.Length != instructions.Length) throw new InvalidOperationException("one best output per instruction");
        return (seconds, generate, seconds - generate, best);
    }

    /// <summary>
    /// One nested Best-of-n run over eval-805 (n = the largest k) at the given candidate decoding (300 new tokens, seed 0)
    /// through the SDK's routine, as the Best-of-n plugin draws; writes the best-of-k outputs in AlpacaEval's format.
    /// </summary>
    public static (double Seconds, Dictionary<int, double> MeanScores) NestedBestOfN(string policyDir, string rewardDir, string outDir, int[] keep, int threads,
        double temperature, double topP, int batch)
    {
        var compute = new AlpacaFarm.Abstractions.Compute.ComputeResources("cpu", threads, long.MaxValue);
        using var policy = AlpacaFarm.Modeling.Policies.TorchPolicy.Open(ArtifactHandle.ForFolder(ArtifactKind.Policy, policyDir, "bench"), compute, "sft", batch);
        using var scorer = RewardScorer.Open(ArtifactHandle.ForFolder(ArtifactKind.RewardModel, rewardDir, "bench"), compute, batch);
        var set = FarmEvalSet.Load();
        var instructions = set.Items.Select(item => item.Instruction).ToList();
        var clock = Stopwatch.StartNew();
        var result = AlpacaFarm.Modeling.Selection.BestOfN.Select(policy, scorer, instructions, keep.Max(), new DecodingOptions(temperature, topP, 300, 0),
            keepFirst: keep);
        var seconds = clock.Elapsed.TotalSeconds;
        Directory.CreateDirectory(outDir);
        var means = new Dictionary<int, double>();
        foreach (var k in keep)
        {
            var outputs = result.BestOfFirst[k];
            File.WriteAllText(Path.Combine(outDir, $"best-of-{k}.json"), System.Text.Json.JsonSerializer.Serialize(
                set.Items.Select((item, i) => new { instruction = item.Instruction, output = outputs[i], generator = $"nested-best-of-{k}", dataset = item.Dataset })));
            means[k] = Enumerable.Range(0, instructions.Count).Average(i => result.Scores[i][result.BestDraw(i, k)]);
        }
        return (seconds, means);
    }

    /// <summary>
    /// Means over an outputs file's (instruction, output) rows, each scored alone (no padding) through the prompt format
    /// Best-of-n and the reward model's own scoring use: the reward's two readouts, the mean response log-probability
    /// under the reward model's language-model head, and (with a policy) under the policy; NaN without one.
    /// </summary>
    public static (int Count, double Head, double Likelihood, double RewardLogProb, double PolicyLogProb) ScoreParts(
        RewardModel reward, ITokenizer tokenizer, CausalTransformer? policy, string outputsFile)
    {
        reward.eval();
        policy?.eval();
        using var noGrad = torch.no_grad();
        using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(outputsFile));
        var (count, head, likelihood, rewardLogProb, policyLogProb) = (0, 0.0, 0.0, 0.0, 0.0);
        foreach (var row in json.RootElement.EnumerateArray())
        {
            using var scope = NewDisposeScope();
            var (prompt, response) = PromptFormat.Fit(tokenizer, row.GetProperty("instruction").GetString()!, row.GetProperty("output").GetString()!,
                reward.Config.MaxSequenceLength);
            var batch = SequenceBatch.Build([prompt], [response], tokenizer.PadId, CPU);
            var (h, l) = reward.ScoreParts(batch);
            (count, head, likelihood) = (count + 1, head + h.item<float>(), likelihood + l.item<float>());
            rewardLogProb += LogProbs.OfResponses(reward.Backbone, batch).mean().item<float>();
            policyLogProb += policy is null ? double.NaN : LogProbs.OfResponses(policy, batch).mean().item<float>();
        }
        return (count, head / count, likelihood / count, rewardLogProb / count, policyLogProb / count);
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
