using TorchSharp;
using AlpacaFarm.Modeling.Transformer;
using static TorchSharp.torch;

namespace AlpacaFarm.Modeling.Scoring;

/// <summary>
/// Prompts and responses laid out for one forward pass: each prompt left-padded to the longest prompt, each
/// response right-padded to the longest response, so that every response starts at column <see cref="PromptWidth"/>.
/// SFT, log-probabilities and reward models all read this layout. Tensors belong to the caller's dispose scope.
/// </summary>
/// <param name="InputIds">[batch, prompt width + response width] token ids, <c>PadId</c> where masked.</param>
/// <param name="AttentionMask">[batch, width] true at real tokens.</param>
/// <param name="Positions">[batch, width] each token's position within its own sequence (padding does not count).</param>
/// <param name="ResponseIds">[batch, response width] the response ids alone, right-padded.</param>
/// <param name="ResponseMask">[batch, response width] true at real response tokens.</param>
/// <param name="LastIndex">[batch] column of each sequence's last real token (its end-of-sequence when it has one).</param>
/// <param name="PromptWidth">Column where every response starts.</param>
/// <param name="RealTokens">Non-padding tokens in the batch, prompts included.</param>
public sealed record SequenceBatch(
    Tensor InputIds,
    Tensor AttentionMask,
    Tensor Positions,
    Tensor ResponseIds,
    Tensor ResponseMask,
    Tensor LastIndex,
    int PromptWidth,
    long RealTokens)
{
    /// <summary>
    /// The same sequences packed without padding between a prompt and its response, for the forward pass:
    /// <c>model.Hidden(batch.Packed)</c> hands the states back in this layout. Set by <see cref="Build"/>.
    /// </summary>
    public required PackedRows Packed { get; init; }

    /// <summary>Builds the layout; <paramref name="responses"/> may be empty sequences.</summary>
    public static SequenceBatch Build(
        IReadOnlyList<IReadOnlyList<int>> prompts, IReadOnlyList<IReadOnlyList<int>> responses, int padId, Device device)
    {
        if (prompts.Count != responses.Count) throw new ArgumentException("one response per prompt is needed");
        if (prompts.Count == 0) throw new ArgumentException("a batch needs at least one sequence");
        if (prompts.Any(p => p.Count == 0)) throw new ArgumentException("a prompt needs at least one token");
        var promptWidth = prompts.Max(p => p.Count);
        var responseWidth = Math.Max(1, responses.Max(r => r.Count));
        using var scope = NewDisposeScope();
        var (promptIds, promptMask) = Padded(prompts, promptWidth, padId, left: true, device);
        var (responseIds, responseMask) = Padded(responses, responseWidth, padId, left: false, device);
        var attention = torch.cat([promptMask, responseMask], 1);
        // The token of sequence i that the layout holds at a column (prompts end at PromptWidth, responses start there), or −1.
        int TokenAt(int i, int column)
        {
            var prompt = prompts[i].Count;
            if (column < promptWidth) return column >= promptWidth - prompt ? column - (promptWidth - prompt) : -1;
            return column - promptWidth < responses[i].Count ? prompt + column - promptWidth : -1;
        }
        return new SequenceBatch(
            torch.cat([promptIds, responseIds], 1).MoveToOuterDisposeScope(),
            attention.MoveToOuterDisposeScope(),
            CausalTransformer.PositionsFromMask(attention).MoveToOuterDisposeScope(),
            responseIds.MoveToOuterDisposeScope(),
            responseMask.MoveToOuterDisposeScope(),
            torch.tensor(responses.Select(r => (long)promptWidth + r.Count - 1).ToArray(), device: device).MoveToOuterDisposeScope(),
            promptWidth,
            prompts.Sum(p => (long)p.Count) + responses.Sum(r => (long)r.Count))
        {
            Packed = PackedRows.Build(
                [.. prompts.Select((p, i) => (IReadOnlyList<int>)[.. p, .. responses[i]])],
                promptWidth + responseWidth,
                TokenAt,
                padId,
                device).MoveToOuterDisposeScope(),
        };
    }

    /// <summary>
    /// Token ids [rows, <paramref name="width"/>] with <paramref name="padId"/> where a row is shorter, and the mask of its
    /// real tokens: padded on the left (prompts: each ends at the last column) or on the right (responses). The tensors
    /// belong to the caller's dispose scope.
    /// </summary>
    public static (Tensor Ids, Tensor Mask) Padded(IReadOnlyList<IReadOnlyList<int>> rows, int width, int padId, bool left, Device device)
    {
        var ids = new long[rows.Count * width];
        var mask = new bool[rows.Count * width];
        Array.Fill(ids, padId);
        for (var row = 0; row < rows.Count; row++)
        {
            var tokens = rows[row];
            if (tokens.Count > width) throw new ArgumentException($"a row of {tokens.Count} tokens does not fit {width} columns", nameof(rows));
            var offset = row * width + (left ? width - tokens.Count : 0);
            for (var i = 0; i < tokens.Count; i++) (ids[offset + i], mask[offset + i]) = (tokens[i], true);
        }
        return (torch.tensor(ids, [rows.Count, width], device: device), torch.tensor(mask, [rows.Count, width], device: device));
    }
}
