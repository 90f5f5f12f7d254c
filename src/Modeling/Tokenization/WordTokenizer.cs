using System.Text.Json;
using AlpacaFarm.Abstractions.Text;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace AlpacaFarm.Modeling.Tokenization;

/// <summary>
/// One id per word, number or punctuation mark of the farm world's closed vocabulary. Texts are split, and ids decoded
/// into canonical text, by the world's own rule (<see cref="CanonicalText"/>).
/// </summary>
/// <remarks>Ids: 0 pad, 1 bos, 2 eos, 3 unk, 4 instruction marker, 5 response marker, then the vocabulary in
/// ordinal order, then the control tokens (e.g. <c>&lt;good&gt;</c>) in the order they were added, so adding one never
/// changes an existing id. Special and control tokens are written with angle brackets, which the splitter never yields
/// as one token: no text encodes to them and decoding drops them. <c>vocab.json</c> is format 2 when there are control
/// tokens and format 1 (which has no field for them) when there are none, so existing checkpoints keep their bytes.</remarks>
public sealed partial class WordTokenizer : ITokenizer
{
    /// <summary>The file a checkpoint keeps the vocabulary in.</summary>
    public const string FileName = "vocab.json";

    private const string Format = "alpacafarm-word-vocab/1";
    private const string FormatWithControl = "alpacafarm-word-vocab/2";
    private static readonly string[] Specials = ["<pad>", "<bos>", "<eos>", "<unk>", "<instruction>", "<response>"];

    private readonly string[] _tokens;
    private readonly Dictionary<string, int> _ids;
    private readonly string[] _control;

    /// <summary>
    /// A tokenizer over the distinct tokens of <paramref name="vocabulary"/> (order and duplicates do not matter), then
    /// <paramref name="controlTokens"/> in their order (each <c>&lt;name&gt;</c>, lower-case letters, digits, '-' or '_').
    /// </summary>
    public WordTokenizer(IEnumerable<string> vocabulary, IEnumerable<string>? controlTokens = null)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        var words = vocabulary.Distinct(StringComparer.Ordinal).OrderBy(w => w, StringComparer.Ordinal).ToList();
        foreach (var word in words)
            if (!CanonicalText.IsToken(word)) throw new ArgumentException($"'{word}' is not a single token of the farm world's grammar", nameof(vocabulary));
        _control = [.. controlTokens ?? []];
        foreach (var control in _control)
            if (!ControlPattern().IsMatch(control) || Specials.Contains(control))
                throw new ArgumentException($"'{control}' is not a control token: write <name> with lower-case letters, digits, '-' or '_', not a special token", nameof(controlTokens));
        if (_control.Distinct(StringComparer.Ordinal).Count() != _control.Length) throw new ArgumentException("a control token is given twice", nameof(controlTokens));
        _tokens = [.. Specials, .. words, .. _control];
        _ids = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = Specials.Length; i < Specials.Length + words.Count; i++) _ids[_tokens[i]] = i;
        FirstControlId = Specials.Length + words.Count;
    }

    /// <inheritdoc/>
    public int VocabularySize => _tokens.Length;

    /// <summary>The id of the first control token: control tokens take the ids from here to the end of the vocabulary.</summary>
    public int FirstControlId { get; }

    /// <inheritdoc/>
    public IReadOnlyList<string> ControlTokens => _control;

    /// <inheritdoc/>
    public int ControlId(string token)
    {
        var index = Array.IndexOf(_control, token);
        return index >= 0 ? FirstControlId + index
            : throw new ArgumentException($"'{token}' is not a control token of this vocabulary (it has: {(_control.Length == 0 ? "none" : string.Join(", ", _control))})", nameof(token));
    }

    /// <summary>This vocabulary with <paramref name="tokens"/> appended as control tokens (those it has already are kept where they are).</summary>
    public WordTokenizer WithControlTokens(params string[] tokens) =>
        new(Words, [.. _control, .. tokens.Where(token => !_control.Contains(token, StringComparer.Ordinal))]);

    /// <inheritdoc/>
    public int PadId => 0;

    /// <inheritdoc/>
    public int BosId => 1;

    /// <inheritdoc/>
    public int EosId => 2;

    /// <inheritdoc/>
    public int UnkId => 3;

    /// <inheritdoc/>
    public int InstructionId => 4;

    /// <inheritdoc/>
    public int ResponseId => 5;

    /// <summary>The vocabulary without special and control tokens, in id order.</summary>
    public IReadOnlyList<string> Words => _tokens[Specials.Length..FirstControlId];

    /// <inheritdoc/>
    public IReadOnlyList<int> Encode(string text) =>
        CanonicalText.Tokenize(text).Select(token => _ids.TryGetValue(token, out var id) ? id : UnkId).ToArray();

    /// <inheritdoc/>
    public string Decode(IEnumerable<int> ids) =>
        CanonicalText.Detokenize(ids.Where(id => id == UnkId || (id >= Specials.Length && id < FirstControlId) || id >= _tokens.Length).Select(id =>
            id >= 0 && id < _tokens.Length ? _tokens[id] : throw new ArgumentOutOfRangeException(nameof(ids), $"id {id} is outside the vocabulary")));

    /// <inheritdoc/>
    public void Save(string folder) =>
        File.WriteAllText(Path.Combine(folder, FileName), JsonSerializer.Serialize(
            new VocabFile(_control.Length == 0 ? Format : FormatWithControl, Specials, [.. Words], _control.Length == 0 ? null : _control), JsonOptions));

    /// <summary>Reads <c>vocab.json</c> from a checkpoint folder.</summary>
    public static WordTokenizer Load(string folder)
    {
        var path = Path.Combine(folder, FileName);
        var file = JsonSerializer.Deserialize<VocabFile>(File.ReadAllText(path), JsonOptions)
                   ?? throw new InvalidDataException($"{path} is empty");
        if (file.Format != Format && file.Format != FormatWithControl)
            throw new InvalidDataException($"{path}: format '{file.Format}' is not '{Format}' or '{FormatWithControl}'");
        if (!file.Special.SequenceEqual(Specials)) throw new InvalidDataException($"{path}: special tokens differ from this code's");
        if (file.Format == Format && file.Control is not null) throw new InvalidDataException($"{path}: format '{Format}' has no control tokens");
        return new WordTokenizer(file.Tokens, file.Control);
    }

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private sealed record VocabFile(
        [property: JsonPropertyName("format")] string Format,
        [property: JsonPropertyName("special")] string[] Special,
        [property: JsonPropertyName("tokens")] string[] Tokens,
        [property: JsonPropertyName("control")] string[]? Control = null);

    [GeneratedRegex(@"^<[a-z0-9_-]+>$")]
    private static partial Regex ControlPattern();
}
