using System.Text.Json;
using System.Text.Json.Serialization;

namespace AlpacaFarm.Modeling.Transformer;

/// <summary>
/// The shape of a <see cref="CausalTransformer"/>. The defaults are small enough to train on two CPU cores in
/// minutes.
/// </summary>
/// <param name="VocabularySize">Number of token ids (the tokenizer's).</param>
/// <param name="Depth">Number of transformer blocks.</param>
/// <param name="Width">Model (embedding) width; divisible by <paramref name="Heads"/>.</param>
/// <param name="Heads">Attention heads per block.</param>
/// <param name="MaxSequenceLength">Longest sequence (prompt and response) the model accepts.</param>
/// <param name="MlpRatio">Hidden width of each block's MLP, as a multiple of the width.</param>
/// <param name="TiedEmbeddings">Whether the language-model head reuses the token embedding matrix.</param>
/// <param name="ValueHead">Whether the model carries a scalar value head (for PPO).</param>
/// <param name="ControlTokens">
/// How many of the last ids are control tokens, which the model reads but never predicts: their logits are masked (see
/// <see cref="CausalTransformer.Logits"/>). Written to JSON only when not 0, so configs without them keep their bytes.
/// </param>
public sealed record TransformerConfig(
    int VocabularySize,
    int Depth = 3,
    int Width = 192,
    int Heads = 4,
    int MaxSequenceLength = 192,
    int MlpRatio = 4,
    bool TiedEmbeddings = true,
    bool ValueHead = false,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] int ControlTokens = 0)
{
    /// <summary>Width of one attention head.</summary>
    [JsonIgnore]
    public int HeadWidth => Width / Heads;

    /// <summary>Null when the shape is usable, else why not.</summary>
    public string? Problem() =>
        VocabularySize < 1 ? "vocabulary size must be positive"
        : Depth < 1 ? "depth must be at least 1"
        : Heads < 1 || Width < 1 || Width % Heads != 0 ? $"width {Width} must be a positive multiple of heads {Heads}"
        : MaxSequenceLength < 2 ? "maximum sequence length must be at least 2"
        : MlpRatio < 1 ? "MLP ratio must be at least 1"
        : ControlTokens < 0 || ControlTokens >= VocabularySize ? $"control tokens ({ControlTokens}) must be at least 0 and fewer than the vocabulary ({VocabularySize})"
        : null;

    /// <summary>Throws when <see cref="Problem"/> is not null.</summary>
    public TransformerConfig Validated() => Problem() is { } problem ? throw new ArgumentException(problem) : this;

    /// <summary>Canonical JSON (camelCase, fixed property order): also part of artifact cache keys.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Reads <see cref="ToJson"/>'s output.</summary>
    public static TransformerConfig FromJson(string json) =>
        (JsonSerializer.Deserialize<TransformerConfig>(json, Json) ?? throw new InvalidDataException("empty transformer config")).Validated();

    internal static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
    };
}
