using TorchSharp;
using static TorchSharp.torch;

namespace AlpacaFarm.Modeling.Transformer;

/// <summary>
/// Keys and values of the positions a <see cref="CausalTransformer"/> has already seen, per layer, so that
/// generation feeds only the new tokens. The cache owns its tensors (detached from every dispose scope) and
/// disposes them when replaced or when it is disposed, so it can live across per-step dispose scopes.
/// </summary>
public sealed class KvCache : IDisposable
{
    private readonly (Tensor Keys, Tensor Values)?[] _layers;

    public KvCache(int depth) => _layers = new (Tensor, Tensor)?[depth];

    /// <summary>How many positions are cached (0 before the first forward).</summary>
    public long Length => _layers[0]?.Keys.shape[2] ?? 0;

    /// <summary>Appends a layer's new keys and values ([batch, heads, new, headWidth]) and returns all of them.</summary>
    public (Tensor Keys, Tensor Values) Append(int layer, Tensor keys, Tensor values)
    {
        var old = _layers[layer];
        var all = old is { } o
            ? (torch.cat([o.Keys, keys], 2), torch.cat([o.Values, values], 2))
            : (keys.alias(), values.alias());
        all.Item1.DetachFromDisposeScope();
        all.Item2.DetachFromDisposeScope();
        if (old is { } previous)
        {
            previous.Keys.Dispose();
            previous.Values.Dispose();
        }
        _layers[layer] = all;
        return all;
    }

    public void Dispose()
    {
        for (var i = 0; i < _layers.Length; i++)
        {
            if (_layers[i] is not { } entry) continue;
            entry.Keys.Dispose();
            entry.Values.Dispose();
            _layers[i] = null;
        }
    }
}
