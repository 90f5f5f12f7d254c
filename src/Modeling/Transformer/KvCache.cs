using TorchSharp;
using static TorchSharp.torch;

namespace AlpacaFarm.Modeling.Transformer;

/// <summary>
/// Keys and values of the positions a <see cref="CausalTransformer"/> has already seen, per layer, so that
/// generation feeds only the new tokens. The cache owns its tensors (detached from every dispose scope) and
/// disposes them when replaced or when it is disposed, so it can live across per-step dispose scopes.
/// </summary>
/// <remarks>
/// With a capacity the cache allocates one buffer per layer on the first append ([batch, heads, capacity, headWidth],
/// the new keys' dtype and device) and writes each step's keys and values into it, returning views of the filled part:
/// no per-step concatenation, no copying of the whole history. Without one it concatenates (any length).
/// </remarks>
public sealed class KvCache : IDisposable
{
    private readonly (Tensor Keys, Tensor Values)?[] _layers;
    private readonly long[] _lengths;

    /// <summary>A cache that grows by concatenation (any number of positions).</summary>
    public KvCache(int depth)
    {
        _layers = new (Tensor, Tensor)?[depth];
        _lengths = new long[depth];
    }

    /// <summary>A cache with preallocated room for <paramref name="capacity"/> positions per layer.</summary>
    public KvCache(int depth, int capacity) : this(depth)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
    }

    /// <summary>Positions preallocated per layer; null when the cache concatenates.</summary>
    public int? Capacity { get; }

    /// <summary>How many positions are cached (0 before the first forward).</summary>
    public long Length => _lengths[0];

    /// <summary>Appends a layer's new keys and values ([batch, heads, new, headWidth]) and returns all of them.</summary>
    public (Tensor Keys, Tensor Values) Append(int layer, Tensor keys, Tensor values)
    {
        var length = _lengths[layer];
        var added = keys.shape[2];
        if (Capacity is { } capacity)
        {
            if (length + added > capacity)
                throw new InvalidOperationException($"the KV cache holds {capacity} positions; {length + added} were asked for");
            if (_layers[layer] is not { } buffers)
            {
                using var scope = NewDisposeScope();
                long[] shape = [keys.shape[0], keys.shape[1], capacity, keys.shape[3]];
                buffers = (torch.empty(shape, keys.dtype, keys.device), torch.empty(shape, values.dtype, values.device));
                buffers.Keys.DetachFromDisposeScope();
                buffers.Values.DetachFromDisposeScope();
                _layers[layer] = buffers;
            }
            using (var scope = NewDisposeScope())
            {
                buffers.Keys.narrow(2, length, added).copy_(keys);
                buffers.Values.narrow(2, length, added).copy_(values);
            }
            _lengths[layer] = length + added;
            return (buffers.Keys.narrow(2, 0, length + added), buffers.Values.narrow(2, 0, length + added));
        }

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
        _lengths[layer] = length + added;
        return all;
    }

    /// <summary>
    /// Keeps only the batch rows at <paramref name="rows"/> (int64 indices, in the order given; an index may repeat, which
    /// copies that row) in every layer.
    /// </summary>
    public void KeepRows(Tensor rows)
    {
        for (var i = 0; i < _layers.Length; i++)
        {
            if (_layers[i] is not { } entry) continue;
            var kept = (entry.Keys.index_select(0, rows), entry.Values.index_select(0, rows));
            kept.Item1.DetachFromDisposeScope();
            kept.Item2.DetachFromDisposeScope();
            entry.Keys.Dispose();
            entry.Values.Dispose();
            _layers[i] = kept;
        }
    }

    /// <summary>
    /// Appends <paramref name="other"/>'s rows after this cache's in every layer (an empty cache takes them as they are);
    /// both must hold the same positions. <paramref name="other"/> keeps its own tensors.
    /// </summary>
    public void AppendRows(KvCache other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other._layers.Length != _layers.Length) throw new ArgumentException("the caches have different depths", nameof(other));
        if (Capacity is not null || other.Capacity is not null) throw new NotSupportedException("only concatenating caches append rows");
        if (_layers[0] is not null && other.Length != Length)
            throw new ArgumentException($"this cache holds {Length} positions, the other {other.Length}", nameof(other));
        for (var i = 0; i < _layers.Length; i++)
        {
            if (other._layers[i] is not { } added) throw new ArgumentException("the other cache is empty", nameof(other));
            var all = _layers[i] is { } mine
                ? (torch.cat([mine.Keys, added.Keys], 0), torch.cat([mine.Values, added.Values], 0))
                : (added.Keys.clone(), added.Values.clone());
            all.Item1.DetachFromDisposeScope();
            all.Item2.DetachFromDisposeScope();
            if (_layers[i] is { } old)
            {
                old.Keys.Dispose();
                old.Values.Dispose();
            }
            _layers[i] = all;
            _lengths[i] = other._lengths[i];
        }
    }

    /// <summary>A new concatenating cache holding copies of the rows at <paramref name="rows"/> (int64 indices; may repeat).</summary>
    public KvCache Rows(Tensor rows)
    {
        var copy = new KvCache(_layers.Length);
        for (var i = 0; i < _layers.Length; i++)
        {
            if (_layers[i] is not { } entry) continue;
            var kept = (entry.Keys.index_select(0, rows), entry.Values.index_select(0, rows));
            kept.Item1.DetachFromDisposeScope();
            kept.Item2.DetachFromDisposeScope();
            copy._layers[i] = kept;
            copy._lengths[i] = _lengths[i];
        }
        return copy;
    }

    /// <summary>Frees the cached keys and values.</summary>
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
