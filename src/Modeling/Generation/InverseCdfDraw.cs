namespace AlpacaFarm.Modeling.Generation;

/// <summary>
/// The sampler's draw from next-token probabilities, in managed code: each row's vocabulary ordered by probability
/// (descending, ties by token id), cut to the top-p nucleus, then the token where the cumulative sum first exceeds
/// u × the total. It is the arithmetic libtorch's stable sort and CPU cumsum (which accumulates fp32 in double and stores
/// each partial sum as fp32) do, step for step, so it picks the tokens they pick; it saves the round trips of five
/// small kernels per decode step.
/// </summary>
internal static class InverseCdfDraw
{
    /// <summary>One token id per row of <paramref name="probabilities"/> ([rows × vocabulary], row-major).</summary>
    public static long[] Choose(float[] probabilities, int vocabulary, IReadOnlyList<double> uniforms, double topP)
    {
        var rows = uniforms.Count;
        if (probabilities.Length != rows * vocabulary) throw new ArgumentException("one row of probabilities per uniform is needed", nameof(probabilities));
        var chosen = new long[rows];
        var keys = new long[vocabulary];
        var sorted = new float[vocabulary];
        var cut = (float)topP;
        for (var row = 0; row < rows; row++)
        {
            var offset = row * vocabulary;
            // Probabilities are non-negative, so their bit patterns order as they do; the complement puts the largest first
            // and the token id in the low bits keeps equal probabilities in id order (a stable sort's order).
            for (var v = 0; v < vocabulary; v++)
                keys[v] = ((long)(int.MaxValue - BitConverter.SingleToInt32Bits(probabilities[offset + v])) << 32) | (uint)v;
            Array.Sort(keys);
            for (var k = 0; k < vocabulary; k++) sorted[k] = probabilities[offset + (int)(keys[k] & uint.MaxValue)];
            if (topP < 1)
            {
                // A token stays when the mass strictly before it is below p (fp32 partial sums, as cumsum stores them).
                double running = 0;
                for (var k = 0; k < vocabulary; k++)
                {
                    running += sorted[k];
                    if ((float)running - sorted[k] >= cut) sorted[k] = 0;
                }
            }
            chosen[row] = keys[Rank(sorted, vocabulary, uniforms[row])] & uint.MaxValue;
        }
        return chosen;
    }

    // How many fp32 partial sums are at most u × total, never past the last token with mass.
    private static int Rank(float[] sorted, int vocabulary, double uniform)
    {
        double running = 0;
        for (var k = 0; k < vocabulary; k++) running += sorted[k];
        var u = (float)uniform * (float)running;
        running = 0;
        int atMost = 0, withMass = 0;
        for (var k = 0; k < vocabulary; k++)
        {
            running += sorted[k];
            if ((float)running <= u) atMost++;
            if (sorted[k] > 0) withMass++;
        }
        return Math.Min(atMost, withMass - 1);
    }
}
