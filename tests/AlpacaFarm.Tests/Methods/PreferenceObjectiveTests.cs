using AlpacaFarm.Plugins.Dpo;
using TorchSharp;
using static TorchSharp.torch;

namespace AlpacaFarm.Tests.Methods;

/// <summary>DPO, IPO and SimPO on a two-pair batch against values worked out by hand (the softplus values with a calculator).</summary>
[Collection(TorchCollection.Name)]
public sealed class PreferenceObjectiveTests
{
    // Pair 1: the policy gained 1 nat on the chosen response and lost 1 on the rejected one, h = 1 − (−1) = 2.
    // Pair 2: the reverse, h = −1 − 1 = −2. Token counts: chosen 5 and 10, rejected 4 and 8.
    private static PairLogProbs Pairs(bool withGraph = false) => new(
        tensor(new[] { -10f, -20f }, requires_grad: withGraph), tensor(new[] { -12f, -18f }, requires_grad: withGraph),
        tensor(new[] { -11f, -19f }), tensor(new[] { -11f, -19f }), tensor(new[] { 5f, 10f }), tensor(new[] { 4f, 8f }));

    [Fact]
    public void Dpo_is_the_mean_softplus_of_minus_beta_h()
    {
        // −log σ(0.1·2) = ln(1 + e^−0.2) = 0.5981389; −log σ(−0.2) = ln(1 + e^0.2) = 0.7981389; mean 0.6981389.
        using var loss = PreferenceObjective.Loss(PreferenceLoss.Dpo, Pairs(), beta: 0.1, gamma: 0);
        Assert.Equal(0.6981389, loss.item<float>(), 5);
    }

    [Fact]
    public void Ipo_regresses_h_to_one_over_two_beta()
    {
        // 1/(2·0.1) = 5: ((2 − 5)² + (−2 − 5)²) / 2 = (9 + 49) / 2 = 29.
        using var loss = PreferenceObjective.Loss(PreferenceLoss.Ipo, Pairs(), beta: 0.1, gamma: 0);
        Assert.Equal(29, loss.item<float>(), 4);
    }

    [Fact]
    public void SimPo_uses_length_normalised_policy_log_probabilities_and_a_margin_without_the_reference()
    {
        // Means: chosen −10/5 = −2, −20/10 = −2; rejected −12/4 = −3, −18/8 = −2.25; differences 1 and 0.25.
        // β = 2, γ = 1: arguments 1 and −0.5; ln(1 + e^−1) = 0.3132617, ln(1 + e^0.5) = 0.9740770; mean 0.6436693.
        using var loss = PreferenceObjective.Loss(PreferenceLoss.SimPo, Pairs(), beta: 2, gamma: 1);
        Assert.Equal(0.6436693, loss.item<float>(), 5);

        // The reference plays no part: another reference gives the same loss.
        var pairs = Pairs() with { ReferenceChosen = tensor(new[] { 0f, 0f }), ReferenceRejected = tensor(new[] { -50f, 3f }) };
        using var same = PreferenceObjective.Loss(PreferenceLoss.SimPo, pairs, beta: 2, gamma: 1);
        Assert.Equal(0.6436693, same.item<float>(), 5);
    }

    [Fact]
    public void The_implicit_reward_margins_are_beta_h_or_beta_times_the_mean_difference()
    {
        using var dpo = PreferenceObjective.RewardMargins(PreferenceLoss.Dpo, Pairs(), beta: 0.1);
        Assert.Equal([0.2f, -0.2f], dpo.data<float>().ToArray().Select(v => MathF.Round(v, 5)));
        using var simPo = PreferenceObjective.RewardMargins(PreferenceLoss.SimPo, Pairs(), beta: 2);
        Assert.Equal([2f, 0.5f], simPo.data<float>().ToArray().Select(v => MathF.Round(v, 5)));
    }

    [Fact]
    public void The_dpo_gradient_raises_the_chosen_and_lowers_the_rejected_log_probability()
    {
        // d/dπ_w of −log σ(β·h) = −β·σ(−β·h), halved by the mean: pair 1 −0.05·σ(−0.2) = −0.05·0.4501660 = −0.0225083.
        var pairs = Pairs(withGraph: true);
        using var loss = PreferenceObjective.Loss(PreferenceLoss.Dpo, pairs, beta: 0.1, gamma: 0);
        loss.backward();
        Assert.Equal(-0.0225083, pairs.PolicyChosen.grad!.data<float>()[0], 6);
        Assert.Equal(0.0225083, pairs.PolicyRejected.grad!.data<float>()[0], 6);
    }
}
