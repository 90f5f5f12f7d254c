using AlpacaFarm.Modeling.Reinforcement;
using AlpacaFarm.Plugins.Ppo;
using TorchSharp;

namespace AlpacaFarm.Tests.Methods;

/// <summary>GAE, both whitenings, the clipped losses and the KL controllers against values worked out by hand on 2×4 examples.</summary>
[Collection(TorchCollection.Name)]
public sealed class PpoMathTests
{
    // Two rollouts: four response tokens with reward 1 at the last; three with reward 2 at the last.
    private static readonly float[][] Rewards = [[0, 0, 0, 1], [0, 0, 2]];

    [Fact]
    public void Gae_with_gamma_and_lambda_one_is_the_reward_to_go_less_the_value()
    {
        var (advantages, returns) = Gae.Estimate(Rewards, [[0.5f, 0.5f, 0.5f, 0.5f], [1, 1, 1]], gamma: 1, lambda: 1);

        // Σ_{k≥t} r_k − V_t: row 1 is 1 − 0.5 at every token, row 2 is 2 − 1; the returns are the rewards-to-go.
        Assert.Equal([[0.5f, 0.5f, 0.5f, 0.5f], [1, 1, 1]], advantages);
        Assert.Equal([[1f, 1, 1, 1], [2f, 2, 2]], returns);
    }

    [Fact]
    public void Gae_discounts_by_gamma_times_lambda()
    {
        var (advantages, returns) = Gae.Estimate([Rewards[0]], [[0.5f, 0.5f, 0.5f, 0.5f]], gamma: 0.5, lambda: 0.5);

        // δ3 = 1 + 0 − 0.5 = 0.5; δ2 = δ1 = δ0 = 0 + 0.5·0.5 − 0.5 = −0.25; A_t = δ_t + 0.25·A_{t+1}:
        // A3 = 0.5, A2 = −0.25 + 0.125 = −0.125, A1 = −0.25 − 0.03125 = −0.28125, A0 = −0.25 − 0.0703125 = −0.3203125.
        Assert.Equal([-0.3203125f, -0.28125f, -0.125f, 0.5f], advantages[0]);
        Assert.Equal([0.1796875f, 0.21875f, 0.375f, 1f], returns[0]);
    }

    [Fact]
    public void Whitening_scales_by_the_population_std_and_shifts_the_mean_only_when_asked()
    {
        float[][] rows = [[1, 2, 3, 4], [5, 6, 7]];

        // Over all seven tokens: mean 4, population variance (9 + 4 + 1 + 0 + 1 + 4 + 9) / 7 = 4, std 2.
        var shifted = Whitening.Whiten(rows, shiftMean: true);
        var kept = Whitening.Whiten(rows, shiftMean: false);

        AssertClose([[-1.5, -1, -0.5, 0], [0.5, 1, 1.5]], shifted);
        AssertClose([[2.5, 3, 3.5, 4], [4.5, 5, 5.5]], kept);
    }

    [Fact]
    public void The_clipped_losses_match_a_hand_worked_batch()
    {
        // Row 1: ratios 1.5, 0.5, 1.5, 0.5 against advantages +1, +1, −1, −1. Row 2: the same two first tokens, then padding.
        var logRatio = new[] { MathF.Log(1.5f), MathF.Log(0.5f), MathF.Log(1.5f), MathF.Log(0.5f) };
        using var logProbs = torch.tensor(new[] { logRatio, [logRatio[0], logRatio[1], 9f, 9f] }.SelectMany(r => r).ToArray(), [2, 4]);
        using var oldLogProbs = torch.zeros(2, 4);
        using var advantages = torch.tensor(new float[] { 1, 1, -1, -1, 1, 1, 5, 5 }, [2, 4]);
        // Values: old 0; new 0.5, 0.1, −0.5, 0.3 against returns 1, 1, 0, 0.3 (row 2 repeats the first two).
        using var values = torch.tensor(new float[] { 0.5f, 0.1f, -0.5f, 0.3f, 0.5f, 0.1f, 7, 7 }, [2, 4]);
        using var oldValues = torch.zeros(2, 4);
        using var returns = torch.tensor(new float[] { 1, 1, 0, 0.3f, 1, 1, 3, 3 }, [2, 4]);
        using var mask = torch.tensor(new float[] { 1, 1, 1, 1, 1, 1, 0, 0 }, [2, 4]);

        var (loss, parts) = PpoObjective.Loss(logProbs, oldLogProbs, advantages, values, oldValues, returns, mask,
            clipRange: 0.2, valueClipRange: 0.2, valueCoefficient: 0.1);
        using var _ = loss;

        // Per token max(−A·ρ, −A·clip(ρ, 0.8, 1.2)): −1.2 (clipped), −0.5, 1.5, 0.8 (clipped); row 2: −1.2, −0.5.
        const double policy = (-1.2 - 0.5 + 1.5 + 0.8 - 1.2 - 0.5) / 6;
        // max((V − R)², (clip(V, ±0.2) − R)²): 0.64 (clipped 0.2), 0.81, 0.25, 0.01 (clipped 0.2); row 2: 0.64, 0.81; halved.
        const double value = 0.5 * (0.64 + 0.81 + 0.25 + 0.01 + 0.64 + 0.81) / 6;
        Assert.Equal(policy, parts.PolicyLoss, 5);
        Assert.Equal(value, parts.ValueLoss, 5);
        Assert.Equal(policy + 0.1 * value, loss.item<float>(), 5);
        Assert.Equal(3.0 / 6, parts.ClipFraction, 5); // tokens 1 and 4 of row 1, token 1 of row 2
        Assert.Equal(3.0 / 6, parts.ValueClipFraction, 5); // tokens 1 and 4 of row 1, token 1 of row 2
        var squared = Math.Pow(Math.Log(1.5), 2) * 3 + Math.Pow(Math.Log(0.5), 2) * 3;
        Assert.Equal(0.5 * squared / 6, parts.ApproximateKl, 5);
    }

    [Fact]
    public void The_clamped_kl_is_never_negative_and_the_score_lands_on_the_last_token()
    {
        float[] policy = [-1.0f, -3.0f, -0.5f, -2.0f];
        float[] reference = [-2.0f, -1.0f, -0.5f, -2.5f];

        var kl = RewardShaping.ClampedKl(policy, reference);
        var rewards = RewardShaping.Shape(policy, reference, score: 2, klCoefficient: 0.1);

        // log π − log π_ref = 1, −2, 0, 0.5: the −2 is clamped to 0.
        Assert.Equal([1f, 0, 0, 0.5f], kl);
        Assert.All(RewardShaping.ClampedKl([.. Enumerable.Range(0, 50).Select(i => -(float)i / 7)], [.. Enumerable.Range(0, 50).Select(i => -(float)(i % 9))]),
            value => Assert.True(value >= 0));
        Assert.Equal([-0.1f, 0, 0, 2 - 0.05f], rewards);
    }

    [Fact]
    public void Crediting_the_terms_to_their_tokens_keeps_the_total_and_drops_earlier_tokens_from_each_return()
    {
        // Shaped rewards with the score 1.5 (head plus the terms' mean) at the last token; the terms β·log p_RM per token.
        float[] rewards = [-0.1f, 0, -0.2f, 1.5f];
        float[] terms = [-1, -2, -0.5f, -0.5f];

        var credited = RewardShaping.CreditTokens(rewards, terms, tokensPerResponse: 2, centre: 0);

        // Each token gains its term / 2: −0.5, −1, −0.25, −0.25; the last gives back Σ terms / 2 = −2.
        Assert.Equal([-0.6, -1, -0.45, 3.25], credited.Select(r => Math.Round(r, 5)));
        // Rewards-to-go: before 1.2, 1.3, 1.3, 1.5; after, each less the earlier tokens' terms / 2 (0, −0.5, −1.5, −1.75).
        var (_, returns) = Gae.Estimate([credited], [[0f, 0, 0, 0]], gamma: 1, lambda: 1);
        Assert.Equal([1.2, 1.8, 2.8, 3.25], returns[0].Select(r => Math.Round(r, 5)));

        // Centred on −1 the gains are (x − (−1)) / 2 = 0, −0.5, 0.25, 0.25, summing to 0: the last keeps 1.5 + 0.25.
        var centred = RewardShaping.CreditTokens(rewards, terms, tokensPerResponse: 2, centre: -1);
        Assert.Equal([-0.1, -0.5, 0.05, 1.75], centred.Select(r => Math.Round(r, 5)));
        // Rewards-to-go 1.2, 1.3, 1.3, 1.5 less the earlier tokens' centred gains (0, 0, −0.5, −0.25).
        var (_, centredReturns) = Gae.Estimate([centred], [[0f, 0, 0, 0]], gamma: 1, lambda: 1);
        Assert.Equal([1.2, 1.3, 1.8, 1.75], centredReturns[0].Select(r => Math.Round(r, 5)));
        Assert.Throws<ArgumentException>(() => RewardShaping.CreditTokens(rewards, [-1, -2, -0.5f], 2, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => RewardShaping.CreditTokens(rewards, terms, 0, 0));
    }

    [Fact]
    public void The_adaptive_controller_follows_ziegler_and_the_fixed_one_never_moves()
    {
        var adaptive = KlController.Adaptive(0.1, target: 6, horizon: 10_000);
        var fixedKl = KlController.Fixed(0.1);

        adaptive.Update(meanKl: 12, rollouts: 512); // error clipped to +0.2: ×(1 + 0.2·512/10000) = ×1.01024
        var afterHigh = adaptive.Value;
        adaptive.Update(meanKl: 4.5, rollouts: 1000); // error 4.5/6 − 1 = −0.25, clipped to −0.2: ×0.98
        fixedKl.Update(100, 512);

        Assert.Equal(0.101024, afterHigh, 9);
        Assert.Equal(0.101024 * 0.98, adaptive.Value, 9);
        Assert.Equal(0.1, fixedKl.Value);
    }

    private static void AssertClose(double[][] expected, float[][] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var row = 0; row < expected.Length; row++)
        {
            Assert.Equal(expected[row].Length, actual[row].Length);
            for (var t = 0; t < expected[row].Length; t++) Assert.Equal(expected[row][t], actual[row][t], 5);
        }
    }
}
