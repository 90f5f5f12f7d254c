using AlpacaFarm.Modeling.Transformer;
using TorchSharp;
using static TorchSharp.torch;

namespace AlpacaFarm.Modeling.Runtime;

/// <summary>
/// The useful work of every <see cref="CausalTransformer"/> forward pass in this process, counted one way everywhere:
/// real tokens only (padding, and the rows a sampler keeps after they ended, are not useful), each costing
/// <see cref="FlopsPerToken"/>, three times that when the forward records gradients (the backward pass costs two).
/// The host reads it before and after each stage of a benchmark; readings are process-wide, so read it around work
/// that runs alone.
/// </summary>
public static class ComputeMeter
{
    /// <summary>The formula, as printed beside every table that uses it.</summary>
    public const string Formula =
        "a token costs 2 × the block-matmul parameters (depth × (4 + 2 × MLP ratio) × width²) + 2 × vocabulary × width " +
        "(the LM head) + 4 × depth × width × its context (attention); a trained token 3× that; padding and finished rows are not useful";

    private static long _inferenceTokens;
    private static long _trainedTokens;
    private static long _flops;

    /// <summary>Everything counted so far.</summary>
    public static ComputeReading Read() =>
        new(Interlocked.Read(ref _inferenceTokens), Interlocked.Read(ref _trainedTokens), Interlocked.Read(ref _flops));

    /// <summary>FLOPs of one forward token with <paramref name="context"/> positions to attend to (itself included).</summary>
    public static double FlopsPerToken(TransformerConfig config, double context)
    {
        ArgumentNullException.ThrowIfNull(config);
        var blockMatmul = (double)config.Depth * (4 + 2 * config.MlpRatio) * config.Width * config.Width;
        return 2 * blockMatmul + 2.0 * config.VocabularySize * config.Width + 4.0 * config.Depth * config.Width * context;
    }

    /// <summary>
    /// Counts one forward pass of <paramref name="length"/> new positions per row after <paramref name="past"/> cached
    /// ones; <paramref name="attentionMask"/> ([batch, past + length], true at real tokens) or null when nothing is padded.
    /// </summary>
    internal static void Count(TransformerConfig config, long batch, long past, long length, Tensor? attentionMask)
    {
        long tokens, context;
        if (attentionMask is null)
        {
            tokens = batch * length;
            context = batch * (length * past + length * (length + 1) / 2);
        }
        else
        {
            using var scope = NewDisposeScope();
            var real = attentionMask.to(ScalarType.Int64);
            var fresh = real.narrow(1, past, length);
            // A real token attends to the real tokens up to itself.
            var counts = torch.stack([fresh.sum(), real.cumsum(1).narrow(1, past, length).mul(fresh).sum()]).cpu().data<long>().ToArray();
            (tokens, context) = (counts[0], counts[1]);
        }
        Count(config, tokens, context);
    }

    /// <summary>Counts a forward pass of <paramref name="tokens"/> real tokens attending to <paramref name="context"/> positions in all.</summary>
    internal static void Count(TransformerConfig config, long tokens, long context)
    {
        var trained = torch.is_grad_enabled();
        var flops = tokens * FlopsPerToken(config, 0) + 4.0 * config.Depth * config.Width * context;
        if (trained) Interlocked.Add(ref _trainedTokens, tokens);
        else Interlocked.Add(ref _inferenceTokens, tokens);
        Interlocked.Add(ref _flops, (long)(trained ? 3 * flops : flops));
    }
}

/// <summary>A reading of <see cref="ComputeMeter"/>: useful tokens through forward-only passes and through training, and their FLOPs.</summary>
public readonly record struct ComputeReading(long InferenceTokens, long TrainedTokens, long UsefulFlops)
{
    /// <summary>The work done between two readings.</summary>
    public static ComputeReading operator -(ComputeReading after, ComputeReading before) =>
        new(after.InferenceTokens - before.InferenceTokens, after.TrainedTokens - before.TrainedTokens, after.UsefulFlops - before.UsefulFlops);
}
