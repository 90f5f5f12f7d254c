using System.Text.Json;
using System.Text.Json.Serialization;
using AlpacaFarm.Abstractions.Artifacts;
using AlpacaFarm.Modeling.Tokenization;
using AlpacaFarm.Modeling.Training;
using AlpacaFarm.Modeling.Runtime;
using AlpacaFarm.Modeling.Transformer;
using TorchSharp;

namespace AlpacaFarm.Modeling.Checkpoints;

/// <summary>
/// A model in a folder: <c>config.json</c> (format, kind, code version, transformer config), <c>vocab.json</c>
/// (the tokenizer) and <c>weights.bin</c> (TorchSharp's <c>module.save</c> format), opened through the
/// contract's <see cref="ArtifactHandle"/>.
/// </summary>
public static class Checkpoint
{
    /// <summary>The manifest: format, kind, code version and transformer config.</summary>
    public const string ConfigFile = "config.json";

    /// <summary>The weights, in TorchSharp's <c>module.save</c> format.</summary>
    public const string WeightsFile = "weights.bin";
    private const string Format = "alpacafarm-checkpoint/1";

    /// <summary>What <c>config.json</c> holds.</summary>
    /// <param name="DecodeControl">
    /// The control token a policy decodes with (reward conditioning's <c>&lt;good&gt;</c>): every prompt it answers,
    /// in evaluation and in checkpoint sweeps alike, carries it. Absent (and not written) for unconditioned policies.
    /// </param>
    public sealed record Manifest(
        [property: JsonPropertyName("format")] string Format,
        [property: JsonPropertyName("kind")] ArtifactKind Kind,
        [property: JsonPropertyName("codeVersion")] string CodeVersion,
        [property: JsonPropertyName("model")] TransformerConfig Model,
        [property: JsonPropertyName("decodeControl"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? DecodeControl = null);

    /// <summary>
    /// Saves a policy into <paramref name="folder"/> and returns its handle; <paramref name="codeVersion"/> names the code
    /// that trained it, and <paramref name="decodeControl"/> the control token it answers with, if any.
    /// </summary>
    public static ArtifactHandle SavePolicy(CausalTransformer model, ITokenizer tokenizer, string folder, string codeVersion, string? decodeControl = null)
    {
        if (decodeControl is not null) tokenizer.ControlId(decodeControl); // throws for a token the vocabulary lacks
        return Save(model, model.Config, ArtifactKind.Policy, tokenizer, folder, codeVersion, decodeControl);
    }

    /// <summary>Saves a reward model into <paramref name="folder"/> and returns its handle; <paramref name="codeVersion"/> names the code that trained it.</summary>
    public static ArtifactHandle SaveRewardModel(RewardModel model, ITokenizer tokenizer, string folder, string codeVersion) =>
        Save(model, model.Config, ArtifactKind.RewardModel, tokenizer, folder, codeVersion, null);

    /// <summary>Opens a policy handle (checked intact) on <paramref name="device"/> (CPU when null).</summary>
    public static (CausalTransformer Model, WordTokenizer Tokenizer) LoadPolicy(ArtifactHandle handle, torch.Device? device = null)
    {
        var (manifest, tokenizer) = Open(handle, ArtifactKind.Policy);
        var model = new CausalTransformer(manifest.Model, new torch.Generator(0));
        return (Load(model, manifest, handle.Path, device), tokenizer);
    }

    /// <summary>Opens a reward-model handle (checked intact) on <paramref name="device"/> (CPU when null).</summary>
    public static (RewardModel Model, WordTokenizer Tokenizer) LoadRewardModel(ArtifactHandle handle, torch.Device? device = null)
    {
        var (manifest, tokenizer) = Open(handle, ArtifactKind.RewardModel);
        var model = new RewardModel(manifest.Model, new torch.Generator(0));
        return (Load(model, manifest, handle.Path, device), tokenizer);
    }

    /// <summary>Reads a folder's <c>config.json</c>.</summary>
    public static Manifest ReadManifest(string folder)
    {
        var path = Path.Combine(folder, ConfigFile);
        var manifest = JsonSerializer.Deserialize<Manifest>(File.ReadAllText(path), Json) ?? throw new InvalidDataException($"{path} is empty");
        if (manifest.Format != Format) throw new InvalidDataException($"{path}: format '{manifest.Format}' is not '{Format}'");
        manifest.Model.Validated();
        return manifest;
    }

    private static ArtifactHandle Save(
        torch.nn.Module model, TransformerConfig config, ArtifactKind kind, ITokenizer tokenizer, string folder, string codeVersion, string? decodeControl)
    {
        if (config.VocabularySize != tokenizer.VocabularySize)
            throw new ArgumentException($"model vocabulary {config.VocabularySize} differs from the tokenizer's {tokenizer.VocabularySize}");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, ConfigFile), JsonSerializer.Serialize(new Manifest(Format, kind, codeVersion, config, decodeControl), Json));
        tokenizer.Save(folder);
        model.save(Path.Combine(folder, WeightsFile));
        return ArtifactHandle.ForFolder(kind, folder, codeVersion);
    }

    private static (Manifest Manifest, WordTokenizer Tokenizer) Open(ArtifactHandle handle, ArtifactKind kind)
    {
        if (handle.Kind != kind) throw new ArgumentException($"a {handle.Kind} handle cannot be opened as a {kind}");
        if (!handle.IsIntact()) throw new InvalidDataException($"artifact {handle.Path} changed since its handle was made");
        var manifest = ReadManifest(handle.Path);
        if (manifest.Kind != kind) throw new InvalidDataException($"{handle.Path} holds a {manifest.Kind}, not a {kind}");
        var tokenizer = WordTokenizer.Load(handle.Path);
        if (tokenizer.VocabularySize != manifest.Model.VocabularySize)
            throw new InvalidDataException($"{handle.Path}: vocabulary of {tokenizer.VocabularySize} ids, model of {manifest.Model.VocabularySize}");
        if (tokenizer.ControlTokens.Count != manifest.Model.ControlTokens)
            throw new InvalidDataException($"{handle.Path}: vocabulary with {tokenizer.ControlTokens.Count} control tokens, model with {manifest.Model.ControlTokens}");
        if (manifest.DecodeControl is { } control && !tokenizer.ControlTokens.Contains(control))
            throw new InvalidDataException($"{handle.Path}: decodes with '{control}', which its vocabulary lacks");
        return (manifest, tokenizer);
    }

    private static T Load<T>(T model, Manifest manifest, string folder, torch.Device? device) where T : torch.nn.Module
    {
        try
        {
            model.load(Path.Combine(folder, WeightsFile), strict: true);
        }
        catch (Exception error) when (error is ArgumentException or InvalidOperationException or KeyNotFoundException)
        {
            // E.g. a reward model saved before the likelihood readout existed: say which code made it, not just which tensor is missing.
            model.Dispose();
            throw new InvalidDataException($"{folder}: weights made by {manifest.CodeVersion} do not fit this build's {manifest.Kind} ({error.Message}); train it anew", error);
        }
        model.eval();
        return TorchDevice.Place(model, device ?? torch.CPU);
    }

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
    };
}
