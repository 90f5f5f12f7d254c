using System.Text.Json.Serialization;

namespace AlpacaFarm.Modeling.Transformer;

/// <summary>The number format a <see cref="CausalTransformer"/>'s matrix multiplications run in.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<MatmulPrecision>))]
public enum MatmulPrecision
{
    /// <summary>Everything in fp32 (the default).</summary>
    Fp32,

    /// <summary>
    /// Mixed precision: the linear layers, attention and the language-model head run in bfloat16 (weights cast from their
    /// fp32 masters on each forward, so gradients and optimizer state stay fp32); embeddings, the residual stream,
    /// LayerNorms, logits and losses stay fp32. TorchSharp has no autocast, so the casts are written out by hand.
    /// </summary>
    Bf16Mixed,
}
