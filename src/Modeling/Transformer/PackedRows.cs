using AlpacaFarm.Modeling.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace AlpacaFarm.Modeling.Transformer;

/// <summary>
/// Whole sequences packed side by side into fewer rows, for a forward pass without padding between a prompt and its
/// response: each row holds one or more sequences, each numbered from position 0 and attending only to its own earlier
/// tokens (a block-diagonal causal mask), so every real token sees exactly what it sees alone in a row of its own.
/// <see cref="CausalTransformer.Hidden(PackedRows)"/> runs it and hands back the hidden states in the padded layout the
/// caller built (<see cref="Unpack"/>). Tensors belong to the caller's dispose scope.
/// </summary>
/// <param name="InputIds">[rows, width] token ids, the pad id after a row's last sequence.</param>
/// <param name="Positions">[rows, width] each token's position within its own sequence (0 at the trailing padding).</param>
/// <param name="AttentionBias">[rows, 1, width, width]: 0 where a query may attend (same sequence, not later; and itself), −∞ elsewhere.</param>
/// <param name="Unpack">[cells of the padded layout] each cell's index into the rows flattened to [rows × width], or rows × width (a zero state) for padding.</param>
/// <param name="Sequences">Sequences packed (the padded layout's rows).</param>
/// <param name="LayoutWidth">Columns of the padded layout.</param>
/// <param name="RealTokens">Real tokens in the rows.</param>
/// <param name="AttendedContext">Σ over real tokens of the positions each attends to (its position + 1), for <see cref="Runtime.ComputeMeter"/>.</param>
public sealed record PackedRows(Tensor InputIds, Tensor Positions, Tensor AttentionBias, Tensor Unpack, int Sequences, int LayoutWidth, long RealTokens, long AttendedContext)
{
    /// <summary>Padding's share of the computed positions.</summary>
    public double PaddingFraction => 1 - (double)RealTokens / (InputIds.shape[0] * InputIds.shape[1]);

    /// <summary>Moves the tensors out of the current dispose scope, as <see cref="Tensor.MoveToOuterDisposeScope"/> does.</summary>
    public PackedRows MoveToOuterDisposeScope()
    {
        foreach (var tensor in new[] { InputIds, Positions, AttentionBias, Unpack }) tensor.MoveToOuterDisposeScope();
        return this;
    }

    // [rows, 1, width, width] from each cell's sequence index (−1 after a row's last sequence), built by libtorch rather than
    // in a managed array of rows × width² floats: a large allocation per batch makes the collector run more often.
    private static Tensor AttentionBiasOf(Tensor segments)
    {
        using var scope = NewDisposeScope();
        var width = segments.shape[1];
        var columns = torch.arange(width, dtype: ScalarType.Int64, device: segments.device);
        var (queries, keys) = (segments.unsqueeze(2), segments.unsqueeze(1));
        var sameSequence = queries.eq(keys).logical_and(queries.ge(HeldScalars.Zero));
        var allowed = sameSequence.logical_and(columns.unsqueeze(0).le(columns.unsqueeze(1))).logical_or(torch.eye(width, dtype: ScalarType.Bool, device: segments.device));
        return CausalTransformer.AdditiveBias(allowed.unsqueeze(1)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Packs sequences <paramref name="tokens"/>[i] (each a prompt and its response, concatenated) into rows as wide as the
    /// longest, first fit in decreasing length. <paramref name="cellOf"/>(sequence, column of the padded layout) gives the
    /// token index within that sequence that the layout holds there, or −1 for padding; the layout has
    /// <paramref name="layoutWidth"/> columns per sequence.
    /// </summary>
    public static PackedRows Build(
        IReadOnlyList<IReadOnlyList<int>> tokens, int layoutWidth, Func<int, int, int> cellOf, int padId, Device device)
    {
        var count = tokens.Count;
        var width = tokens.Max(t => t.Count);
        // First fit decreasing; ties keep the batch's order, so the packing depends on the lengths alone.
        var order = Enumerable.Range(0, count).OrderByDescending(i => tokens[i].Count).ThenBy(i => i).ToArray();
        var rowOf = new int[count];
        var offsetOf = new int[count];
        var filled = new List<int>();
        foreach (var i in order)
        {
            var row = filled.FindIndex(used => used + tokens[i].Count <= width);
            if (row < 0)
            {
                filled.Add(0);
                row = filled.Count - 1;
            }
            (rowOf[i], offsetOf[i]) = (row, filled[row]);
            filled[row] += tokens[i].Count;
        }
        var rows = filled.Count;
        var ids = new long[rows * width];
        var positions = new long[rows * width];
        var segment = new long[rows * width];
        Array.Fill(ids, padId);
        Array.Fill(segment, -1);
        long real = 0, context = 0;
        for (var i = 0; i < count; i++)
        {
            var start = rowOf[i] * width + offsetOf[i];
            for (var t = 0; t < tokens[i].Count; t++)
                (ids[start + t], positions[start + t], segment[start + t]) = (tokens[i][t], t, i);
            real += tokens[i].Count;
            context += (long)tokens[i].Count * (tokens[i].Count + 1) / 2;
        }
        using var segments = torch.tensor(segment, [rows, width], device: device);
        var unpack = new long[count * layoutWidth];
        for (var i = 0; i < count; i++)
        for (var column = 0; column < layoutWidth; column++)
        {
            var t = cellOf(i, column);
            unpack[i * layoutWidth + column] = t < 0 ? (long)rows * width : rowOf[i] * width + offsetOf[i] + t;
        }
        return new PackedRows(
            torch.tensor(ids, [rows, width], device: device),
            torch.tensor(positions, [rows, width], device: device),
            AttentionBiasOf(segments),
            torch.tensor(unpack, device: device),
            count,
            layoutWidth,
            real,
            context);
    }
}
