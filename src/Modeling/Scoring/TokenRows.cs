using TorchSharp;
using static TorchSharp.torch;

namespace AlpacaFarm.Modeling.Scoring;

/// <summary>
/// Per-token rows (log-probabilities, values, advantages) between tensors and plain arrays: an online method keeps a
/// step's rollouts as numbers and pads them back into [batch, width] tensors for its updates.
/// </summary>
public static class TokenRows
{
    /// <summary>The rows of a [rows, width] float tensor as arrays of its full width.</summary>
    public static float[][] Of(Tensor matrix)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        var width = (int)matrix.shape[1];
        var data = matrix.cpu().data<float>().ToArray();
        return [.. Enumerable.Range(0, (int)matrix.shape[0]).Select(row => data[(row * width)..((row + 1) * width)])];
    }

    /// <summary>Rows right-padded with zeros to [rows, <paramref name="width"/>] on <paramref name="device"/>, in the caller's dispose scope.</summary>
    public static Tensor Padded(IEnumerable<float[]> rows, int width, Device device)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var list = rows.ToList();
        var data = new float[list.Count * width];
        for (var row = 0; row < list.Count; row++)
        {
            if (list[row].Length > width) throw new ArgumentException($"a row of {list[row].Length} does not fit {width} columns", nameof(rows));
            for (var t = 0; t < list[row].Length; t++) data[row * width + t] = list[row][t];
        }
        return torch.tensor(data, [list.Count, width], device: device);
    }
}
