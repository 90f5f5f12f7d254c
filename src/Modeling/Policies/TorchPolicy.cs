using AlpacaFarm.Abstractions.Artifacts;
using AlpacaFarm.Abstractions.Compute;
using AlpacaFarm.Abstractions.Policies;
using AlpacaFarm.Modeling.Checkpoints;
using AlpacaFarm.Modeling.Generation;
using AlpacaFarm.Modeling.Runtime;
using AlpacaFarm.Modeling.Tokenization;
using AlpacaFarm.Modeling.Transformer;

namespace AlpacaFarm.Modeling.Policies;

/// <summary>
/// A policy checkpoint behind the contract's <see cref="IPolicy"/>: prompts are instructions, formatted by
/// <see cref="PromptFormat"/> with the control token the checkpoint decodes with (if any); each output is the decoded
/// response up to end-of-sequence.
/// </summary>
/// <remarks>
/// Generation runs synchronously on the calling thread (TorchSharp's dispose scopes are per thread) and the
/// returned task is already complete. Sampling is keyed per prompt: the key is the prompt text, and its n-th
/// repeat within one request (n ≥ 1) gets the key "text#n", so repeats differ.
/// </remarks>
public sealed class TorchPolicy : IPolicy, IDisposable
{
    private readonly CausalTransformer _model;
    private readonly ITokenizer _tokenizer;
    private readonly int _batchSize;

    private TorchPolicy(string name, ArtifactHandle handle, CausalTransformer model, ITokenizer tokenizer, int batchSize, string? control)
    {
        Control = control;
        Name = name;
        Dependencies = [handle];
        _model = model;
        _tokenizer = tokenizer;
        _batchSize = batchSize;
    }

    /// <summary>
    /// Opens a policy handle on the device of <paramref name="compute"/> (libtorch's thread count is the host's, set once per
    /// run). It decodes with the
    /// control token its config names, or with <paramref name="control"/> when given (e.g. reward conditioning's
    /// <c>&lt;bad&gt;</c>, to compare).
    /// </summary>
    public static TorchPolicy Open(ArtifactHandle handle, ComputeResources compute, string? name = null, int batchSize = 16, string? control = null)
    {
        var device = TorchDevice.Of(compute);
        var (model, tokenizer) = Checkpoint.LoadPolicy(handle, device);
        control ??= Checkpoint.ReadManifest(handle.Path).DecodeControl;
        if (control is not null && !tokenizer.ControlTokens.Contains(control))
        {
            model.Dispose();
            throw new ArgumentException($"policy {handle.Path} has no control token '{control}' (it has: {(tokenizer.ControlTokens.Count == 0 ? "none" : string.Join(", ", tokenizer.ControlTokens))})", nameof(control));
        }
        return new TorchPolicy(name ?? $"torch policy {Path.GetFileName(handle.Path)}", handle, model, tokenizer, batchSize, control);
    }

    /// <summary>
    /// Saves a trained policy into <paramref name="folder"/> (<see cref="Checkpoint.SavePolicy"/>) and opens what was
    /// saved, so the returned policy is exactly the folder's content and its handle its one dependency. The caller keeps
    /// (and disposes) <paramref name="model"/>; <paramref name="codeVersion"/> names the code that trained it.
    /// </summary>
    public static TorchPolicy Save(
        CausalTransformer model, ITokenizer tokenizer, string folder, string codeVersion, ComputeResources compute, string? name = null, int batchSize = 16,
        string? decodeControl = null) =>
        Open(Checkpoint.SavePolicy(model, tokenizer, folder, codeVersion, decodeControl), compute, name, batchSize);

    /// <summary>The control token every prompt carries, or null.</summary>
    public string? Control { get; }

    /// <summary>How listings and provenance name this policy.</summary>
    public string Name { get; }

    /// <summary>The policy checkpoint it generates from.</summary>
    public IReadOnlyList<ArtifactHandle> Dependencies { get; }

    /// <summary>One output per prompt (an instruction), sampled with the request's decoding options.</summary>
    public Task<GenerationResult> GenerateAsync(GenerationRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var keys = request.Prompts.Select(p =>
        {
            var n = seen.GetValueOrDefault(p);
            seen[p] = n + 1;
            return SampleKey(p, n);
        }).ToArray();
        return Task.FromResult(new GenerationResult(Sample(request.Prompts, keys, request.Options, cancellationToken)));
    }

    /// <summary>
    /// The sampling key of a prompt's <paramref name="draw"/>-th sample (0-based): the prompt itself, then "prompt#k". A
    /// sample depends on its key and seed, not on the other prompts of its request.
    /// </summary>
    public static string SampleKey(string prompt, int draw) => draw == 0 ? prompt : $"{prompt}#{draw}";

    /// <summary>One output per prompt, each drawn under the given key (see <see cref="SampleKey"/>).</summary>
    public IReadOnlyList<string> Sample(IReadOnlyList<string> prompts, IReadOnlyList<string> keys, DecodingOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(prompts);
        ArgumentNullException.ThrowIfNull(keys);
        if (keys.Count != prompts.Count) throw new ArgumentException("one key per prompt", nameof(keys));
        var tokens = prompts.Select(p => (IReadOnlyList<int>)PromptFormat.Prompt(_tokenizer, p, Control)).ToArray();
        var generated = new Sampler(_model, _tokenizer).Generate(tokens, [.. keys], SamplingOptions.From(options, _batchSize), cancellationToken);
        return generated.Select(ids => _tokenizer.Decode(PromptFormat.UntilEos(_tokenizer, ids))).ToArray();
    }

    /// <summary>Frees the model's tensors.</summary>
    public void Dispose() => _model.Dispose();
}
