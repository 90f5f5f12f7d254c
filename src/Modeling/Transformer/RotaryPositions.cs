using AlpacaFarm.Modeling.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace AlpacaFarm.Modeling.Transformer;

/// <summary>
/// Rotary position embedding (RoFormer; the GPT-NeoX half-split layout): each query and key is rotated, pair of
/// channels by pair, by angles proportional to its position, so attention scores depend on relative offsets. The
/// farm's copying tasks (reverse a list, name both entities of a comparison) are learned from far fewer examples
/// than with learned absolute position embeddings.
/// </summary>
internal sealed class RotaryPositions : IDisposable
{
    private const double Base = 10_000;

    private RotaryPositions(Tensor cos, Tensor sin) => (Cos, Sin) = (cos, sin);

    /// <summary>[batch or 1, 1, new, head width / 2].</summary>
    public Tensor Cos { get; }

    /// <summary>[batch or 1, 1, new, head width / 2].</summary>
    public Tensor Sin { get; }

    /// <summary>The angles for position ids [batch or 1, new].</summary>
    public static RotaryPositions For(Tensor positions, int headWidth)
    {
        using var scope = NewDisposeScope();
        var half = headWidth / 2;
        var inverse = torch.pow(Base, -torch.arange(0, half, dtype: ScalarType.Float32, device: positions.device) / half);
        var angles = positions.to(ScalarType.Float32).unsqueeze(-1) * inverse; // [batch, new, half]
        var rotary = new RotaryPositions(angles.cos().unsqueeze(1), angles.sin().unsqueeze(1));
        rotary.Cos.MoveToOuterDisposeScope();
        rotary.Sin.MoveToOuterDisposeScope();
        return rotary;
    }

    /// <summary>Rotates queries and/or keys [..., batch, heads, new, head width] (in their own number format).</summary>
    public Tensor Apply(Tensor x)
    {
        using var scope = NewDisposeScope();
        var half = x.shape[^1] / 2;
        var (first, second) = (x.narrow(-1, 0, half), x.narrow(-1, half, half));
        var (cos, sin) = (Cos.to(x.dtype), Sin.to(x.dtype));
        return torch.cat([first * cos - second * sin, (first * sin).add(second * cos, HeldScalars.One)], -1).MoveToOuterDisposeScope();
    }

    public void Dispose()
    {
        Cos.Dispose();
        Sin.Dispose();
    }
}
