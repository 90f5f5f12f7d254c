using AlpacaFarm.Modeling.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AlpacaFarm.Modeling.Transformer;

/// <summary>
/// A decoder-only transformer: token embeddings, <see cref="TransformerConfig.Depth"/> pre-LayerNorm blocks (causal self-attention, then a GELU MLP, each added to the residual stream), a final
/// LayerNorm, a language-model head (tied to the token embeddings or not) and an optional scalar value head.
/// </summary>
/// <remarks>
/// Sequences may be padded on either side: <c>attentionMask</c> ([batch, cached + new], true = a real token)
/// hides padding from every query, and <c>positions</c> ([batch, new]) numbers the real tokens from 0 (see
/// <see cref="PositionsFromMask"/>). A position always sees itself, so a padding query never has an empty
/// softmax. With a <see cref="KvCache"/> only the new tokens are fed; keys and values of earlier ones come from it.
/// </remarks>
public sealed class CausalTransformer : nn.Module<Tensor, Tensor>
{
    private readonly Embedding token_embedding;
    private readonly ModuleList<Block> blocks;
    private readonly LayerNorm final_norm;
    private readonly Linear? lm_head;
    private readonly Linear? value_head;

    /// <summary>A model with weights drawn from <paramref name="init"/> (normal, std 0.02; residual projections scaled down by depth).</summary>
    public CausalTransformer(TransformerConfig config, Generator init) : base(nameof(CausalTransformer))
    {
        Config = config.Validated();
        token_embedding = nn.Embedding(config.VocabularySize, config.Width);
        blocks = new ModuleList<Block>([.. Enumerable.Range(0, config.Depth).Select(_ => new Block(config))]);
        final_norm = nn.LayerNorm(config.Width);
        if (!config.TiedEmbeddings) lm_head = nn.Linear(config.Width, config.VocabularySize, hasBias: false);
        if (config.ValueHead) value_head = nn.Linear(config.Width, 1);
        RegisterComponents();
        Initialize(init);
    }

    /// <summary>The shape this model was built with (saved as its checkpoint's config).</summary>
    public TransformerConfig Config { get; }

    /// <summary>
    /// The number format of the matrix multiplications (fp32 by default). <see cref="MatmulPrecision.Bf16Mixed"/> keeps
    /// the parameters fp32 and casts them to bfloat16 on each forward; hidden states, logits and values come out fp32.
    /// </summary>
    public MatmulPrecision Precision { get; set; } = MatmulPrecision.Fp32;

    /// <summary>Logits [batch, time, vocabulary] of unpadded sequences [batch, time] without a cache.</summary>
    public override Tensor forward(Tensor inputIds)
    {
        using var scope = NewDisposeScope();
        return Logits(Hidden(inputIds)).MoveToOuterDisposeScope();
    }

    /// <summary>The final-LayerNorm hidden states [batch, new, width] of the new tokens.</summary>
    /// <param name="inputIds">[batch, new] token ids.</param>
    /// <param name="attentionMask">[batch, cached + new] booleans, true for real tokens; null when nothing is padded.</param>
    /// <param name="positions">[batch, new] position ids; null means cached length + 0, 1, 2…</param>
    /// <param name="cache">Keys and values of earlier positions, extended in place; null to recompute everything.</param>
    public Tensor Hidden(Tensor inputIds, Tensor? attentionMask = null, Tensor? positions = null, KvCache? cache = null)
    {
        using var scope = NewDisposeScope();
        var past = cache?.Length ?? 0;
        var length = inputIds.shape[1];
        // A padded batch may be wider than the model's maximum (long prompts beside long responses); what must fit is each
        // row's own positions, whose rotary angles must stay in the range training covered.
        if (positions is null)
        {
            if (past + length > Config.MaxSequenceLength)
                throw new ArgumentException($"sequence of {past + length} tokens exceeds the model's maximum of {Config.MaxSequenceLength}");
            positions = torch.arange(past, past + length, dtype: ScalarType.Int64, device: inputIds.device).unsqueeze(0);
        }
        else if (positions.max().item<long>() >= Config.MaxSequenceLength)
        {
            throw new ArgumentException($"a sequence exceeds the model's maximum of {Config.MaxSequenceLength} tokens");
        }
        ComputeMeter.Count(Config, inputIds.shape[0], past, length, attentionMask);
        return Blocks(inputIds, positions, AttentionBias(past, length, attentionMask, inputIds.device), cache).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The final-LayerNorm hidden states of packed sequences, handed back in the padded layout they were packed from:
    /// [sequences, layout width, width], zeros at the layout's padding. Each real token's state is the one an unpadded
    /// forward of its sequence alone gives, up to float rounding; padding costs nothing but the packing's leftover.
    /// </summary>
    public Tensor Hidden(PackedRows packed)
    {
        ArgumentNullException.ThrowIfNull(packed);
        using var scope = NewDisposeScope();
        if (packed.Positions.shape[1] > Config.MaxSequenceLength)
            throw new ArgumentException($"a sequence exceeds the model's maximum of {Config.MaxSequenceLength} tokens");
        ComputeMeter.Count(Config, packed.RealTokens, packed.AttendedContext);
        var hidden = Blocks(packed.InputIds, packed.Positions, packed.AttentionBias, cache: null);
        var flat = hidden.reshape(-1, Config.Width);
        var withZero = torch.cat([flat, torch.zeros(1, Config.Width, dtype: flat.dtype, device: flat.device)], 0);
        return withZero.index_select(0, packed.Unpack).view(packed.Sequences, packed.LayoutWidth, Config.Width).MoveToOuterDisposeScope();
    }

    // Embeddings, the blocks under one additive attention bias, the final LayerNorm.
    private Tensor Blocks(Tensor inputIds, Tensor positions, Tensor maskBias, KvCache? cache)
    {
        var x = token_embedding.forward(inputIds);
        using var rotary = RotaryPositions.For(positions, Config.HeadWidth);
        var bf16 = Precision == MatmulPrecision.Bf16Mixed;
        for (var i = 0; i < blocks.Count; i++) x = blocks[i].Forward(x, maskBias, rotary, cache, i, bf16);
        return final_norm.forward(x);
    }

    /// <summary>
    /// Next-token logits [batch, time, vocabulary] from hidden states. Control tokens' logits are
    /// <see cref="MaskedLogit"/>: they get probability 0 everywhere (sampling, log-probabilities, KL and entropy alike),
    /// and the finite value keeps p·log p at 0 rather than NaN.
    /// </summary>
    public Tensor Logits(Tensor hidden)
    {
        if (Precision != MatmulPrecision.Bf16Mixed)
            return MaskControlTokens(lm_head is null ? hidden.matmul(token_embedding.weight!.t()) : lm_head.forward(hidden));
        using var scope = NewDisposeScope();
        var low = hidden.to(ScalarType.BFloat16);
        var logits = lm_head is null ? low.matmul(token_embedding.weight!.to(ScalarType.BFloat16).t()) : Linear(lm_head, low, bf16: true);
        return MaskControlTokens(logits.to(ScalarType.Float32)).MoveToOuterDisposeScope();
    }

    /// <summary>The logit every control token gets: exp of it underflows to 0 next to any real logit.</summary>
    public static readonly Scalar MaskedLogit = (-1e9f).ToScalar();

    private Tensor MaskControlTokens(Tensor logits)
    {
        if (Config.ControlTokens == 0) return logits;
        using var scope = NewDisposeScope();
        var first = Config.VocabularySize - Config.ControlTokens;
        var ids = torch.arange(first, Config.VocabularySize, dtype: ScalarType.Int64, device: logits.device);
        return logits.index_fill(-1, ids, MaskedLogit).MoveToOuterDisposeScope();
    }

    /// <summary>Value estimates [batch, time] from hidden states; needs <see cref="TransformerConfig.ValueHead"/>.</summary>
    public Tensor Values(Tensor hidden) =>
        value_head is null
            ? throw new InvalidOperationException("this model has no value head (TransformerConfig.ValueHead is false)")
            : value_head.forward(hidden).squeeze(-1);

    /// <summary>Position ids [batch, time] that count real tokens from 0 (padding gets 0).</summary>
    public static Tensor PositionsFromMask(Tensor attentionMask)
    {
        using var scope = NewDisposeScope();
        var counted = attentionMask.to(ScalarType.Int64).cumsum(1) - HeldScalars.One;
        return counted.clamp_min(HeldScalars.Zero).MoveToOuterDisposeScope();
    }

    // [batch or 1, 1, new, cached + new], built once per forward and added to every layer's scores: 0 where a query may
    // attend (causal, not padding, and always the position itself), −∞ where it may not.
    private static Tensor AttentionBias(long past, long length, Tensor? attentionMask, Device device)
    {
        using var scope = NewDisposeScope();
        var queries = torch.arange(past, past + length, dtype: ScalarType.Int64, device: device).unsqueeze(1);
        var keys = torch.arange(0, past + length, dtype: ScalarType.Int64, device: device).unsqueeze(0);
        var allowed = keys.le(queries);
        if (attentionMask is not null)
            allowed = allowed.logical_and(attentionMask.to(ScalarType.Bool).unsqueeze(1)).logical_or(keys.eq(queries));
        else
            allowed = allowed.unsqueeze(0);
        return AdditiveBias(allowed.unsqueeze(1)).MoveToOuterDisposeScope();
    }

    /// <summary>The additive attention bias of a mask of allowed (query, key) pairs: 0 where allowed, −∞ elsewhere.</summary>
    internal static Tensor AdditiveBias(Tensor allowed) =>
        torch.zeros(allowed.shape, dtype: ScalarType.Float32, device: allowed.device).masked_fill(allowed.logical_not(), HeldScalars.NegativeInfinity);

    /// <summary>The layer in fp32, or in bfloat16 from its fp32 weights (the input is cast when it is not bf16 yet).</summary>
    private static Tensor Linear(Linear layer, Tensor input, bool bf16) =>
        !bf16
            ? layer.forward(input)
            : nn.functional.linear(input.to(ScalarType.BFloat16), layer.weight!.to(ScalarType.BFloat16), layer.bias?.to(ScalarType.BFloat16));

    private void Initialize(Generator init)
    {
        using var noGrad = torch.no_grad();
        var residualStd = 0.02 / Math.Sqrt(2.0 * Config.Depth);
        foreach (var (name, parameter) in named_parameters())
        {
            if (name.EndsWith(".bias", StringComparison.Ordinal)) parameter.zero_();
            else if (parameter.dim() == 1) parameter.fill_(1.0);
            else parameter.normal_(0.0, name.EndsWith("projection.weight", StringComparison.Ordinal) ? residualStd : 0.02, init);
        }
    }

    /// <summary>One pre-LayerNorm block: x + attention(LN(x)), then x + MLP(LN(x)).</summary>
    private sealed class Block : nn.Module
    {
        private readonly LayerNorm attention_norm;
        private readonly Linear qkv;
        private readonly Linear attention_projection;
        private readonly LayerNorm mlp_norm;
        private readonly Linear mlp_in;
        private readonly Linear mlp_projection;
        private readonly int _heads;
        private readonly int _headWidth;

        public Block(TransformerConfig config) : base(nameof(Block))
        {
            _heads = config.Heads;
            _headWidth = config.HeadWidth;
            attention_norm = nn.LayerNorm(config.Width);
            qkv = nn.Linear(config.Width, 3 * config.Width);
            attention_projection = nn.Linear(config.Width, config.Width);
            mlp_norm = nn.LayerNorm(config.Width);
            mlp_in = nn.Linear(config.Width, config.MlpRatio * config.Width);
            mlp_projection = nn.Linear(config.MlpRatio * config.Width, config.Width);
            RegisterComponents();
        }

        public Tensor Forward(Tensor x, Tensor maskBias, RotaryPositions rotary, KvCache? cache, int layer, bool bf16)
        {
            using var scope = NewDisposeScope();
            var (batch, length, width) = (x.shape[0], x.shape[1], x.shape[2]);
            var parts = Linear(qkv, attention_norm.forward(x), bf16).view(batch, length, 3, _heads, _headWidth).permute(2, 0, 3, 1, 4);
            // Queries and keys rotate together: one set of elementwise ops instead of two.
            var rotated = rotary.Apply(parts.narrow(0, 0, 2));
            Tensor queries = rotated[0], keys = rotated[1], values = parts[2];
            if (cache is not null) (keys, values) = cache.Append(layer, keys, values);
            // Written out rather than scaled_dot_product_attention: at these sizes (≤ 96 positions, head width 48) libtorch's
            // fused CPU kernel was slower, forward and backward, in fp32 and bf16
            // (docs/results/2026-11-24-modeling-performance.md). In bf16 the two matmuls run in bf16 and the softmax in fp32.
            using var scale = Math.Sqrt(_headWidth).ToScalar(); // held across the call (see HeldScalars)
            var scores = queries.matmul(keys.transpose(-2, -1)) / scale;
            if (bf16) scores = scores.to(ScalarType.Float32);
            var weights = scores.add(maskBias, HeldScalars.One).softmax(-1);
            if (bf16) weights = weights.to(ScalarType.BFloat16);
            var attended = weights.matmul(values).transpose(1, 2).reshape(batch, length, width);
            // The residual stream stays fp32: fp32 + bf16 promotes to fp32.
            x = x.add(Linear(attention_projection, attended, bf16), HeldScalars.One);
            x = x.add(Linear(mlp_projection, nn.functional.gelu(Linear(mlp_in, mlp_norm.forward(x), bf16)), bf16), HeldScalars.One);
            return x.MoveToOuterDisposeScope();
        }
    }
}
