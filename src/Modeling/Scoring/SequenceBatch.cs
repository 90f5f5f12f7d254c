using TorchSharp;
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
    /// <summary>Builds the layout; <paramref name="responses"/> may be empty sequences.</summary>
    public static SequenceBatch Build(
        IReadOnlyList<IReadOnlyList<int>> prompts, IReadOnlyList<IReadOnlyList<int>> responses, int padId, Device device)
    {
        if (prompts.Count != responses.Count) throw new ArgumentException("one response per prompt is needed");
        if (prompts.Count == 0) throw new ArgumentException("a batch needs at least one sequence");
        var batch = prompts.Count;
        var promptWidth = prompts.Max(p => p.Count);
        var responseWidth = Math.Max(1, responses.Max(r => r.Count));
        var width = promptWidth + responseWidth;
        var ids = new long[batch * width];
        var mask = new bool[batch * width];
        var responseIds = new long[batch * responseWidth];
        var responseMask = new bool[batch * responseWidth];
        var last = new long[batch];
        long real = 0;
        Array.Fill(ids, padId);
        Array.Fill(responseIds, padId);
        for (var row = 0; row < batch; row++)
        {
            var prompt = prompts[row];
            var response = responses[row];
            if (prompt.Count == 0) throw new ArgumentException("a prompt needs at least one token");
            var offset = promptWidth - prompt.Count;
            for (var i = 0; i < prompt.Count; i++) Set(row * width + offset + i, prompt[i]);
            for (var i = 0; i < response.Count; i++)
            {
                Set(row * width + promptWidth + i, response[i]);
                responseIds[row * responseWidth + i] = response[i];
                responseMask[row * responseWidth + i] = true;
            }
            last[row] = promptWidth + response.Count - 1;
            real += prompt.Count + response.Count;
        }
        using var scope = NewDisposeScope();
        var attention = torch.tensor(mask, [batch, width], device: device);
        return new SequenceBatch(
            torch.tensor(ids, [batch, width], device: device).MoveToOuterDisposeScope(),
            attention.MoveToOuterDisposeScope(),
            Transformer.CausalTransformer.PositionsFromMask(attention).MoveToOuterDisposeScope(),
            torch.tensor(responseIds, [batch, responseWidth], device: device).MoveToOuterDisposeScope(),
            torch.tensor(responseMask, [batch, responseWidth], device: device).MoveToOuterDisposeScope(),
            torch.tensor(last, device: device).MoveToOuterDisposeScope(),
            promptWidth,
            real);

        void Set(int index, int id)
        {
            ids[index] = id;
            mask[index] = true;
        }
    }
}
