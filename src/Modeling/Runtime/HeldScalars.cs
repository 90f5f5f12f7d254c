using TorchSharp;

namespace AlpacaFarm.Modeling.Runtime;

/// <summary>
/// Scalars that live as long as the process. TorchSharp's <see cref="Scalar"/> is finalizable and hands a raw handle to
/// the native call, so an implicit temporary (including the alpha that <c>Tensor + Tensor</c> creates) can be finalized
/// while libtorch still reads it: a full modeling-bench run crashed twice that way ("toFloat" in masked_fill and in add).
/// Per-step code (the SDK's and plugins') therefore passes these, or a <c>using</c> local for a value known only at run time.
/// </summary>
public static class HeldScalars
{
    /// <summary>0, e.g. for <c>masked_fill</c>.</summary>
    public static readonly Scalar Zero = 0.ToScalar();

    /// <summary>1, e.g. for <c>clamp_min</c> of a token count.</summary>
    public static readonly Scalar One = 1.ToScalar();

    /// <summary>−∞, for masking logits and attention scores.</summary>
    public static readonly Scalar NegativeInfinity = float.NegativeInfinity.ToScalar();
}
