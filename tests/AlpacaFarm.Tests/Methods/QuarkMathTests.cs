using AlpacaFarm.Modeling.Reinforcement;
using AlpacaFarm.Plugins.Quark;
using TorchSharp;
using static TorchSharp.torch;

namespace AlpacaFarm.Tests.Methods;

/// <summary>Quark's quantile bins and its per-token loss against values worked out by hand.</summary>
[Collection(TorchCollection.Name)]
public sealed class QuarkMathTests
{
    [Fact]
    public void Bins_split_the_pool_into_equal_quarters_by_score_and_ties_go_to_the_earlier_rollout_first()
    {
        // Best first: 3 (#5), 2 (#1), 2 (#2), 0.5 (#0), 0.5 (#4), 0 (#7), −1 (#3), −1 (#6); two a bin. The tied 2s fall in
        // bins 0 and 1, #1 (earlier) in the better one; likewise the 0.5s in bins 1 and 2. Lowest of each bin: 2, 0.5, 0, −1.
        float[] scores = [0.5f, 2, 2, -1, 0.5f, 3, -1, 0];
        Assert.Equal([1, 0, 1, 3, 2, 0, 3, 2], QuantileBins.Assign(scores, 4));
        Assert.Equal([2, 0.5, 0, -1], QuantileBins.LowerBounds(scores, QuantileBins.Assign(scores, 4), 4));

        // Ten rollouts: ranks 0–2, 3–4, 5–7, 8–9 (⌊r·4/10⌋), sizes 3, 2, 3, 2.
        var ten = QuantileBins.Assign([.. Enumerable.Range(0, 10).Select(i => (float)-i)], 4);
        Assert.Equal([0, 0, 0, 1, 1, 2, 2, 2, 3, 3], ten);
    }

    [Fact]
    public void The_loss_is_the_nll_plus_the_weighted_kl_less_the_weighted_entropy()
    {
        // p = (½, ¼, ¼), q = (¼, ¼, ½), the response token is id 0:
        // −log p0 = ln 2 = 0.6931472; KL(p‖q) = ½ ln 2 + ¼·0 + ¼ ln ½ = ¼ ln 2 = 0.1732868;
        // H(p) = ½ ln 2 + ½ ln 4 = 1.0397208; loss at c_KL 0.05, c_H 0.1 = 0.6931472 + 0.0086643 − 0.1039721 = 0.5978394.
        // The policy has one more id, a control token whose logit is masked: it changes nothing.
        using var scope = NewDisposeScope();
        var logits = tensor(new[] { MathF.Log(0.5f), MathF.Log(0.25f), MathF.Log(0.25f), -1e9f }).reshape(1, 1, 4);
        var reference = tensor(new[] { MathF.Log(0.25f), MathF.Log(0.25f), MathF.Log(0.5f) }).reshape(1, 1, 3);
        var (loss, parts) = QuarkObjective.Loss(logits, reference, tensor(new long[] { 0 }).reshape(1, 1), ones(1, 1), 0.05, 0.1);

        Assert.Equal(0.6931472, parts.NegativeLogLikelihood, 5);
        Assert.Equal(0.1732868, parts.Kl, 5);
        Assert.Equal(1.0397208, parts.Entropy, 5);
        Assert.Equal(0.5978394, loss.item<float>(), 5);
    }

    [Fact]
    public void The_kl_term_is_never_negative_and_zero_against_itself()
    {
        using var scope = NewDisposeScope();
        var generator = new Generator(11);
        var p = randn([64, 9], generator: generator).mul(3.0.ToScalar()).log_softmax(-1);
        var q = randn([64, 9], generator: generator).mul(3.0.ToScalar()).log_softmax(-1);
        Assert.True(QuarkObjective.Kl(p, q).min().item<float>() >= 0);
        Assert.Equal(0, QuarkObjective.Kl(p, p).max().item<float>(), 6);
    }
}
