using AlpacaFarm.Abstractions.Randomness;
using AlpacaFarm.Modeling.Runtime;
using AlpacaFarm.Modeling.Tokenization;
using AlpacaFarm.Modeling.Transformer;
using TorchSharp;
using static TorchSharp.torch;

namespace AlpacaFarm.Modeling.Generation;

/// <summary>
/// Batched generation: prompts are grouped by length, left-padded (with an attention mask) and extended token by
/// token until each ends with end-of-sequence or reaches its budget.
/// </summary>
/// <remarks>
/// Randomness is per sequence, not per batch: sequence <c>i</c> draws one uniform number per step from
/// <c>KeyedRandom.Create("sample", keys[i], seed)</c> and picks the token where the (top-p truncated) cumulative
/// distribution first exceeds it. A sequence's sample therefore depends only on its key, the seed and the model,
/// not on the batch it lands in (up to float rounding). Give repeated prompts distinct keys to get distinct samples: a
/// batch computes a repeated prompt once (<see cref="PromptSharing"/>) and its repeats decode from copies of its cache.
/// Prompts longer than the model's maximum keep their last tokens; a batch gets at most
/// <c>MaxSequenceLength − longest prompt</c> new tokens. Batches run side by side on the CPU's cores
/// (<see cref="InferenceLanes"/>), each whole on one of them.
/// </remarks>
public sealed class Sampler(CausalTransformer model, ITokenizer tokenizer)
{
    /// <summary>Generated ids per prompt, in the prompts' order, ending with end-of-sequence when the model ended the response.</summary>
    public IReadOnlyList<int[]> Generate(
        IReadOnlyList<IReadOnlyList<int>> prompts, IReadOnlyList<string> keys, SamplingOptions options,
        CancellationToken cancellationToken = default)
    {
        if (options.Problem() is { } problem) throw new ArgumentException(problem, nameof(options));
        if (keys.Count != prompts.Count) throw new ArgumentException("one key per prompt is needed", nameof(keys));
        var results = new int[prompts.Count][];
        var order = Enumerable.Range(0, prompts.Count).OrderBy(i => prompts[i].Count).ToArray();
        var wasTraining = model.training;
        model.eval();
        try
        {
            var chunks = order.Chunk(options.BatchSize).ToArray();
            InferenceLanes.Run(chunks.Length, ModelDevice(), b =>
            {
                var chunk = chunks[b];
                var generated = GenerateBatch([.. chunk.Select(i => prompts[i])], [.. chunk.Select(i => keys[i])], options);
                for (var j = 0; j < chunk.Length; j++) results[chunk[j]] = generated[j];
            }, cancellationToken);
        }
        finally
        {
            model.train(wasTraining);
        }
        return results;
    }

    private int[][] GenerateBatch(IReadOnlyList<IReadOnlyList<int>> prompts, IReadOnlyList<string> keys, SamplingOptions options)
    {
        using var scope = NewDisposeScope();
        // Inference mode: no autograd bookkeeping at all (nothing generated here is ever differentiated).
        using var inference = torch.inference_mode();
        var device = ModelDevice();
        var maxLength = model.Config.MaxSequenceLength;
        var kept = prompts.Select(p => p.Count >= maxLength ? p.Skip(p.Count - (maxLength - 1)).ToArray() : p.ToArray()).ToArray();
        var batch = kept.Length;
        var promptWidth = kept.Max(p => p.Length);
        var budget = Math.Min(options.MaxNewTokens, maxLength - promptWidth);
        var width = promptWidth + budget;
        var random = keys.Select(key => KeyedRandom.Create("sample", key, options.Seed)).ToArray();

        // The growing sequences, left-padded: ids, real-token mask, and each row's count of real tokens.
        var ids = new long[batch, width];
        var mask = new bool[batch, width];
        var realCount = new long[batch];
        for (var row = 0; row < batch; row++)
        {
            var offset = promptWidth - kept[row].Length;
            for (var i = 0; i < width; i++) ids[row, i] = tokenizer.PadId;
            for (var i = 0; i < kept[row].Length; i++) (ids[row, offset + i], mask[row, offset + i]) = (kept[row][i], true);
            realCount[row] = kept[row].Length;
        }
        var outputs = Enumerable.Range(0, batch).Select(_ => new List<int>()).ToArray();
        var finished = new bool[batch];
        // The rows still generating. Finished rows leave the batch (and the cache) once enough of them have piled up, so a
        // batch costs what its live rows cost, not what its longest response costs for every row.
        var active = Enumerable.Range(0, batch).ToArray();
        // The concatenating cache: a preallocated one (KvCache(depth, capacity)) was slower here, since attention then
        // reads strided views of the buffers (docs/results/2026-11-24-modeling-performance.md).
        using var cache = options.UseKvCache ? new KvCache(model.Config.Depth) : null;
        var sharing = PromptSharing.Of(kept);

        for (var step = 0; step < budget && active.Length > 0; step++)
        {
            using var stepScope = NewDisposeScope();
            var current = promptWidth + step;
            var maskSoFar = Slice(mask, active, current, device);
            Tensor hidden;
            if (step == 0 && sharing is not null && cache is not null)
            {
                // Each distinct prompt is computed once; its repeats start from copies of its keys and values.
                var distinctMask = Slice(mask, sharing.Distinct, current, device);
                var prefilled = model.Hidden(
                    Slice(ids, sharing.Distinct, current, device), distinctMask, CausalTransformer.PositionsFromMask(distinctMask), cache);
                var source = torch.tensor(sharing.Source, device: device);
                cache.KeepRows(source);
                hidden = prefilled.narrow(1, current - 1, 1).index_select(0, source);
            }
            else if (cache is null || step == 0)
            {
                var input = Slice(ids, active, current, device);
                hidden = model.Hidden(input, maskSoFar, CausalTransformer.PositionsFromMask(maskSoFar), cache);
            }
            else
            {
                var last = active.Select(row => ids[row, current - 1]).ToArray();
                var positions = active.Select(row => Math.Max(0, realCount[row] - 1)).ToArray();
                hidden = model.Hidden(
                    torch.tensor(last, [active.Length, 1], device: device), maskSoFar, torch.tensor(positions, [active.Length, 1], device: device), cache);
            }
            var logits = model.Logits(hidden.select(1, -1)).to(ScalarType.Float32);
            var uniforms = active.Select(row => random[row].NextDouble()).ToArray();
            var next = Choose(logits, uniforms, options, device);
            for (var j = 0; j < active.Length; j++)
            {
                var row = active[j];
                if (finished[row]) continue;
                var token = (int)next[j];
                outputs[row].Add(token);
                // An ended row's last token is not a real input: the rows kept after they end compute nothing useful.
                (ids[row, current], mask[row, current]) = (token, token != tokenizer.EosId);
                realCount[row]++;
                if (token == tokenizer.EosId) finished[row] = true;
            }
            var done = active.Count(row => finished[row]);
            if (done == 0 || (done < active.Length && done * CompactWhenFinished < active.Length)) continue;
            var keep = Enumerable.Range(0, active.Length).Where(j => !finished[active[j]]).ToArray();
            if (keep.Length > 0) cache?.KeepRows(torch.tensor(keep.Select(j => (long)j).ToArray(), device: device));
            active = [.. keep.Select(j => active[j])];
        }
        return [.. outputs.Select(o => o.ToArray())];
    }

    /// <summary>Finished rows are dropped once they are at least 1/this of the rows still in the batch (each drop copies the cache).</summary>
    private const int CompactWhenFinished = 8;

    // One token id per row: argmax at temperature 0, else the inverse CDF of the (top-p) distribution at u.
    private static long[] Choose(Tensor logits, double[] uniforms, SamplingOptions options, Device device)
    {
        if (options.Temperature == 0) return logits.argmax(-1).cpu().data<long>().ToArray();
        // Held across the native calls (see HeldScalars).
        using var temperature = options.Temperature.ToScalar();
        using var topP = options.TopP.ToScalar();
        var probabilities = (logits / temperature).softmax(-1);
        var (sorted, order) = probabilities.sort(-1, descending: true, stable: true);
        if (options.TopP < 1)
        {
            var before = sorted.cumsum(-1) - sorted;
            sorted = sorted.masked_fill(before.ge(topP), HeldScalars.Zero);
        }
        var cumulative = sorted.cumsum(-1);
        var total = cumulative.select(-1, -1).unsqueeze(-1);
        var u = torch.tensor(uniforms, device: device).to(ScalarType.Float32).unsqueeze(-1) * total;
        // Rounding at u ≈ 1 could step past the last token with mass: never pick one that was cut or underflowed.
        var lastWithMass = sorted.gt(HeldScalars.Zero).sum(-1, keepdim: true) - HeldScalars.One;
        var rank = torch.minimum(cumulative.le(u).sum(-1, keepdim: true), lastWithMass);
        return order.gather(-1, rank).squeeze(-1).cpu().data<long>().ToArray();
    }

    private static Tensor Slice<T>(T[,] values, int[] rows, int columns, Device device) where T : unmanaged
    {
        var flat = new T[rows.Length * columns];
        for (var j = 0; j < rows.Length; j++)
            for (var column = 0; column < columns; column++) flat[j * columns + column] = values[rows[j], column];
        return flat switch
        {
            long[] l => torch.tensor(l, [rows.Length, columns], device: device),
            bool[] b => torch.tensor(b, [rows.Length, columns], device: device),
            _ => throw new NotSupportedException(typeof(T).Name),
        };
    }

    private Device ModelDevice() => model.parameters().First().device;
}
