using System.Diagnostics;
using AlpacaFarm.Abstractions.Artifacts;
using AlpacaFarm.Abstractions.Policies;
using AlpacaFarm.Modeling.Checkpoints;
using AlpacaFarm.Modeling.Generation;
using AlpacaFarm.Modeling.Tokenization;
using AlpacaFarm.Simulation;
using TorchSharp;

/// <summary>
/// The sampler on a trained policy, two ways over the same batches: one lane at the bench's intra-op threads
/// (ALPACAFARM_INFERENCE_LANES=1, as before lanes), and the SDK's default, as many lanes as threads at one intra-op thread
/// each. Speeds, and how many samples differ. (The reward model's scoring ran slower in lanes and stays in one:
/// docs/results/2026-12-07-inference-lanes-bf16.md.)
/// </summary>
internal static class Lanes
{
    public static List<(string What, string Value, string Reference)> Measure(string policyDir, WordTokenizer tokenizer,
        int threads, int batch, int instructions, int draws, int reps)
    {
        using var policy = Checkpoint.LoadPolicy(ArtifactHandle.ForFolder(ArtifactKind.Policy, policyDir, "bench")).Model;
        var world = FarmWorld.Generate(FarmSplitSizes.Paper, FarmWorld.DefaultSeed).Unlabeled.Take(instructions).Select(i => i.Instruction).ToArray();
        var texts = world.SelectMany(i => Enumerable.Repeat(i, draws)).ToArray();
        var prompts = texts.Select(i => (IReadOnlyList<int>)PromptFormat.Prompt(tokenizer, i)).ToArray();
        var keys = world.SelectMany(i => Enumerable.Range(0, draws).Select(k => $"{i}#{k}")).ToArray();
        var options = SamplingOptions.From(DecodingOptions.Evaluation(0), batch);

        (double Generate, int[][] Samples) Once(string? lanes)
        {
            Environment.SetEnvironmentVariable("ALPACAFARM_INFERENCE_LANES", lanes);
            torch.set_num_threads(threads);
            var clock = Stopwatch.StartNew();
            var samples = new Sampler(policy, tokenizer).Generate(prompts, keys, options).ToArray();
            var generate = clock.Elapsed.TotalSeconds;
            Environment.SetEnvironmentVariable("ALPACAFARM_INFERENCE_LANES", null);
            return (generate, samples);
        }

        static int Differ(int[][] a, int[][] b) => Enumerable.Range(0, a.Length).Count(i => !a[i].AsSpan().SequenceEqual(b[i]));

        var rows = new List<(string, string, string)>();
        var what = $"{prompts.Length:N0} samples ({instructions:N0} unlabeled instructions × {draws}, evaluation decoding), batch {batch}";
        for (var rep = 0; rep < reps; rep++)
        {
            var one = Once("1");
            var lanes = Once(null);
            var tokens = lanes.Samples.Sum(s => (long)s.Length);
            rows.Add(($"[{rep}] generation, one lane × {threads} intra-op threads, {what}", $"{tokens / one.Generate:F0} tok/s", $"{one.Generate:F1} s"));
            rows.Add(($"[{rep}] generation, {threads} lanes × 1 intra-op thread", $"{tokens / lanes.Generate:F0} tok/s",
                $"{lanes.Generate:F1} s, {one.Generate / lanes.Generate:F2}× one lane; samples unlike one lane's: {Differ(lanes.Samples, one.Samples)}"));
        }
        return rows;
    }
}
