using System.Diagnostics;
using AlpacaFarm.Abstractions.Randomness;
using AlpacaFarm.Modeling.Generation;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// The sampler's draw alone, two ways over the same logits: libtorch's kernels (softmax, stable sort, cumsum, the top-p
/// cut, the inverse CDF, the tokens read back: the sampler's draw before 2026-12-08) and the SDK's managed draw
/// (libtorch's softmax read back, then <c>InverseCdfDraw</c>). Time per decode step at the sampler's batch sizes, and
/// whether they pick the same tokens.
/// </summary>
internal static class Draw
{
    public static List<(string What, string Value, string Reference)> Measure(int vocabulary, int[] batches, int reps, double topP)
    {
        var rows = new List<(string, string, string)>();
        foreach (var batch in batches)
        {
            using var scope = NewDisposeScope();
            var random = KeyedRandom.Create("bench draw", $"{batch}", 0);
            var logits = torch.tensor(Enumerable.Range(0, batch * vocabulary).Select(_ => (float)(3 * random.NextGaussian())).ToArray(), [batch, vocabulary]);
            var uniforms = Enumerable.Range(0, batch).Select(_ => random.NextDouble()).ToArray();
            long[] kernels = [], managed = [];
            var (kernelClock, managedClock) = (new Stopwatch(), new Stopwatch());
            for (var rep = 0; rep < reps; rep++)
            {
                using var repScope = NewDisposeScope();
                kernelClock.Start();
                kernels = WithKernels(logits, uniforms, topP);
                kernelClock.Stop();
                managedClock.Start();
                var probabilities = logits.softmax(-1);
                managed = InverseCdfDraw.Choose(probabilities.data<float>().ToArray(), vocabulary, uniforms, topP);
                managedClock.Stop();
            }
            var (k, m) = (kernelClock.Elapsed.TotalMilliseconds / reps, managedClock.Elapsed.TotalMilliseconds / reps);
            rows.Add(($"draw, batch {batch}, top-p {topP}: libtorch kernels", $"{k:F3} ms", ""));
            rows.Add(($"draw, batch {batch}, top-p {topP}: managed", $"{m:F3} ms",
                $"{k / m:F2}× as fast; same tokens: {kernels.AsSpan().SequenceEqual(managed)}"));
        }
        return rows;
    }

    private static long[] WithKernels(Tensor logits, double[] uniforms, double topP)
    {
        using var p = topP.ToScalar();
        using var zero = 0.ToScalar();
        using var one = 1.ToScalar();
        var (sorted, order) = logits.softmax(-1).sort(-1, descending: true, stable: true);
        if (topP < 1) sorted = sorted.masked_fill((sorted.cumsum(-1) - sorted).ge(p), zero);
        var cumulative = sorted.cumsum(-1);
        var u = torch.tensor(uniforms).to(ScalarType.Float32).unsqueeze(-1) * cumulative.select(-1, -1).unsqueeze(-1);
        var rank = torch.minimum(cumulative.le(u).sum(-1, keepdim: true), sorted.gt(zero).sum(-1, keepdim: true) - one);
        return order.gather(-1, rank).squeeze(-1).data<long>().ToArray();
    }
}
