using AlpacaFarm.Modeling.Runtime;
using AlpacaFarm.Modeling.Scoring;
using AlpacaFarm.Modeling.Training;
using AlpacaFarm.Modeling.Transformer;
using TorchSharp;
using static TorchSharp.torch;

namespace AlpacaFarm.Tests.Modeling;

/// <summary>
/// Packed rows (the forward pass of every <see cref="SequenceBatch"/>): the packing worked by hand, and each sequence's
/// states and gradients against the sequence run alone and the padded layout, which are computed without packing.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class PackedRowsTests
{
    private static readonly TransformerConfig Config = new(50, Depth: 2, Width: 16, Heads: 2, MaxSequenceLength: 16);
    private const int Pad = 0;

    // Sequences of 2 + 3, 1 + 2, 1 + 1 and 3 + 1 tokens (prompt + response).
    private static readonly int[][] Prompts = [[11, 12], [13], [14], [15, 16, 17]];
    private static readonly int[][] Responses = [[21, 22, 23], [24, 25], [26], [27]];

    [Fact]
    public void Sequences_are_packed_first_fit_in_decreasing_length_into_rows_as_wide_as_the_longest()
    {
        using var scope = NewDisposeScope();
        var batch = SequenceBatch.Build(Prompts, Responses, Pad, torch.CPU);
        var packed = batch.Packed;

        // Lengths 5, 3, 2, 4 into rows of 5: the 5 alone, the 4 alone, then the 3, and the 2 after the 3 (the 4's row has 1 left).
        Assert.Equal(new long[] { 3, 5 }, packed.InputIds.shape);
        Assert.Equal(new long[] { 11, 12, 21, 22, 23, 15, 16, 17, 27, Pad, 13, 24, 25, 14, 26 }, packed.InputIds.data<long>().ToArray());
        Assert.Equal(new long[] { 0, 1, 2, 3, 4, 0, 1, 2, 3, 0, 0, 1, 2, 0, 1 }, packed.Positions.data<long>().ToArray());
        Assert.Equal(14, packed.RealTokens);
        Assert.Equal(1 - 14.0 / 15, packed.PaddingFraction, 12);
        // Each real token attends to its position + 1 tokens: 15 + 6 + 3 + 10.
        Assert.Equal(34, packed.AttendedContext);

        // The padded layout: prompts left-padded to 3 columns, responses right-padded to 3. The fourth sequence (prompt 14,
        // response 26) sits in row 2 at offset 3, so flat cells 13 and 14; padding points past the rows (15, a zero state).
        Assert.Equal(6, packed.LayoutWidth);
        Assert.Equal(new long[] { 15, 15, 13, 14, 15, 15 }, packed.Unpack.data<long>().Skip(2 * 6).Take(6).ToArray());
        // The 3 + 1 sequence fills its whole prompt width: row 1, offsets 0…3.
        Assert.Equal(new long[] { 5, 6, 7, 8, 15, 15 }, packed.Unpack.data<long>().Skip(3 * 6).Take(6).ToArray());
    }

    [Fact]
    public void A_query_attends_to_its_own_sequence_up_to_itself_and_never_to_a_neighbour_in_its_row()
    {
        using var scope = NewDisposeScope();
        var bias = SequenceBatch.Build(Prompts, Responses, Pad, torch.CPU).Packed.AttentionBias;

        // Row 2 holds the 3-token sequence at columns 0–2 and the 2-token one at 3–4.
        var allowed = bias[2, 0].eq(0).to(ScalarType.Int64).data<long>().ToArray();
        Assert.Equal(new long[]
        {
            1, 0, 0, 0, 0,
            1, 1, 0, 0, 0,
            1, 1, 1, 0, 0,
            0, 0, 0, 1, 0,
            0, 0, 0, 1, 1,
        }, allowed);
    }

    [Fact]
    public void Every_real_token_gets_the_state_its_sequence_gets_alone_and_padding_gets_zeros()
    {
        using var model = new CausalTransformer(Config, TorchSeeding.Generator("test-init", "packed", 0));
        using var scope = NewDisposeScope();
        using var noGrad = torch.no_grad();
        var batch = SequenceBatch.Build(Prompts, Responses, Pad, torch.CPU);

        var hidden = model.Hidden(batch.Packed);

        var promptWidth = batch.PromptWidth;
        for (var i = 0; i < Prompts.Length; i++)
        {
            var alone = model.Hidden(torch.tensor(Prompts[i].Concat(Responses[i]).Select(t => (long)t).ToArray(), [1, Prompts[i].Length + Responses[i].Length]))[0];
            var start = promptWidth - Prompts[i].Length;
            var real = hidden[i].narrow(0, start, Prompts[i].Length + Responses[i].Length);
            Assert.True(real.allclose(alone, rtol: 1e-5, atol: 1e-5), $"sequence {i}: max difference {(real - alone).abs().max().item<float>()}");
            if (start > 0) Assert.Equal(0f, hidden[i].narrow(0, 0, start).abs().sum().item<float>());
            var after = start + Prompts[i].Length + Responses[i].Length;
            if (after < hidden.shape[1]) Assert.Equal(0f, hidden[i].narrow(0, after, hidden.shape[1] - after).abs().sum().item<float>());
        }
    }

    [Fact]
    public void Gradients_through_packed_rows_are_those_of_the_padded_layout()
    {
        using var packedModel = new CausalTransformer(Config, TorchSeeding.Generator("test-init", "packed", 1));
        using var paddedModel = new CausalTransformer(Config, TorchSeeding.Generator("test-init", "packed", 1));
        using var scope = NewDisposeScope();
        var batch = SequenceBatch.Build(Prompts, Responses, Pad, torch.CPU);

        SftTrainer.Loss(packedModel, batch).backward();
        // The padded layout through the mask-and-positions forward: every prompt and response in place, padding masked.
        var hidden = paddedModel.Hidden(batch.InputIds, batch.AttentionMask, batch.Positions);
        var logProbs = LogProbs.OfResponses(paddedModel.Logits(LogProbs.ResponseHidden(hidden, batch)), batch);
        (-logProbs.sum() / batch.ResponseMask.sum()).backward();

        var packedGrads = packedModel.named_parameters().ToDictionary(p => p.name, p => p.parameter.grad!);
        foreach (var (name, parameter) in paddedModel.named_parameters())
            Assert.True(packedGrads[name].allclose(parameter.grad!, rtol: 1e-4, atol: 1e-6), $"{name}: max difference {(packedGrads[name] - parameter.grad!).abs().max().item<float>()}");
    }

    [Fact]
    public void The_meter_counts_the_real_tokens_and_their_own_contexts_only()
    {
        using var model = new CausalTransformer(Config, TorchSeeding.Generator("test-init", "packed", 2));
        using var scope = NewDisposeScope();
        var batch = SequenceBatch.Build(Prompts, Responses, Pad, torch.CPU);
        var before = ComputeMeter.Read();

        using (torch.no_grad()) model.Hidden(batch.Packed);

        // 14 real tokens at 13,888 FLOPs each, plus 128 per attended position, 34 of them (see ComputeMeterTests' formula).
        Assert.Equal(new ComputeReading(14, 0, 14 * 13_888 + 128 * 34), ComputeMeter.Read() - before);
    }
}
