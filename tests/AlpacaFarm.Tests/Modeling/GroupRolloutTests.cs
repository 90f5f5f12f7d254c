using AlpacaFarm.Modeling.Reinforcement;
using AlpacaFarm.Modeling.Scoring;
using AlpacaFarm.Modeling.Tokenization;
using AlpacaFarm.Modeling.Training;
using AlpacaFarm.Modeling.Runtime;
using TorchSharp;

namespace AlpacaFarm.Tests.Modeling;

/// <summary>The group methods' building blocks (SDK 3.2): advantages by hand, and the sampler against separate scoring calls.</summary>
[Collection(TorchCollection.Name)]
public sealed class GroupRolloutTests
{
    [Fact]
    public void Leave_one_out_subtracts_the_mean_of_the_other_samples_of_the_group()
    {
        // Group 1: 1 − (2 + 6)/2 = −3, 2 − (1 + 6)/2 = −1.5, 6 − (1 + 2)/2 = 4.5; group 2: 0 − (4 + 1)/2 = −2.5, 4 − (0 + 1)/2 = 3.5, 1 − (0 + 4)/2 = −1.
        var advantages = GroupAdvantages.LeaveOneOut([1, 2, 6, 0, 4, 1], groupSize: 3);

        Assert.Equal([-3, -1.5, 4.5, -2.5, 3.5, -1], advantages);
    }

    [Fact]
    public void Group_normalisation_divides_by_the_sample_std_plus_epsilon_unless_told_not_to()
    {
        // Group [1, 3]: mean 2, sample std √((1 + 1)/1) = √2; group [5, 5]: std 0, so only ε divides 0.
        var scaled = GroupAdvantages.GroupNormalised([1, 3, 5, 5], groupSize: 2, scaleByStd: true, epsilon: 1e-4);
        var centred = GroupAdvantages.GroupNormalised([1, 3, 5, 5], groupSize: 2, scaleByStd: false);

        Assert.Equal(-1 / (Math.Sqrt(2) + 1e-4), scaled[0], 12);
        Assert.Equal(1 / (Math.Sqrt(2) + 1e-4), scaled[1], 12);
        Assert.Equal([0, 0], scaled[2..]);
        Assert.Equal([-1, 1, 0, 0], centred);
    }

    [Fact]
    public void Advantages_refuse_a_ragged_group_or_a_group_too_small_for_its_baseline()
    {
        Assert.Throws<ArgumentException>(() => GroupAdvantages.LeaveOneOut([1, 2, 3], groupSize: 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => GroupAdvantages.LeaveOneOut([1, 2], groupSize: 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => GroupAdvantages.GroupNormalised([1, 2], groupSize: 1, scaleByStd: true));
    }

    [Fact]
    public void The_sampler_draws_keyed_groups_and_scores_them_as_separate_calls_do()
    {
        var tokenizer = TinyWorld.Tokenizer();
        using var policy = TinyWorld.Model(tokenizer, seed: 1);
        using var reference = TinyWorld.Model(tokenizer, seed: 2);
        using var rewardModel = new RewardModel(TinyWorld.Config(tokenizer), TorchSeeding.Generator("test-init", "reward", 3));
        string[] prompts = ["What does the cow eat?", "List two animals."];
        var sampler = new GroupSampler(policy, reference, rewardModel, tokenizer, temperature: 0.8, maxNewTokens: 6, seed: 5, purpose: "test");

        var rollouts = sampler.Sample(step: 3, prompts, groupSize: 3);
        var again = sampler.Sample(step: 3, prompts, groupSize: 3);
        var otherStep = sampler.Sample(step: 4, prompts, groupSize: 3);

        Assert.Equal([0, 0, 0, 1, 1, 1], rollouts.Select(r => r.Group));
        Assert.Equal(rollouts.Select(r => r.Response), again.Select(r => r.Response));
        Assert.NotEqual(rollouts.Select(r => string.Join(',', r.Response)), otherStep.Select(r => string.Join(',', r.Response)));
        // Each rollout's numbers, recomputed one sequence at a time through the SDK's plain scoring calls.
        using var noGrad = torch.no_grad();
        foreach (var rollout in rollouts)
        {
            Assert.Equal(PromptFormat.Prompt(tokenizer, prompts[rollout.Group]), rollout.Prompt);
            using var scope = torch.NewDisposeScope();
            var batch = SequenceBatch.Build([rollout.Prompt], [rollout.Response], tokenizer.PadId, torch.CPU);
            var policyLogProbs = LogProbs.OfResponses(policy, batch, 0.8).data<float>().ToArray();
            var referenceLogProbs = LogProbs.OfResponses(reference, batch, 0.8).data<float>().ToArray();
            for (var t = 0; t < rollout.Response.Length; t++)
            {
                Assert.Equal(policyLogProbs[t], rollout.LogProbs[t], 4);
                Assert.Equal(referenceLogProbs[t], rollout.ReferenceLogProbs[t], 4);
            }
            Assert.Equal(rewardModel.Score(batch).item<float>(), rollout.Score, 4);
            Assert.Equal(rollout.LogProbs.Zip(rollout.ReferenceLogProbs, (p, q) => (double)p - q).Sum(), rollout.SequenceKl, 9);
        }
    }

    [Fact]
    public void Token_rows_pad_with_zeros_and_read_back_whole_rows()
    {
        using var scope = torch.NewDisposeScope();
        var padded = TokenRows.Padded([[1f, 2f], [3f]], width: 3, torch.CPU);

        Assert.Equal([[1f, 2f, 0f], [3f, 0f, 0f]], TokenRows.Of(padded));
        Assert.Throws<ArgumentException>(() => TokenRows.Padded([[1f, 2f]], width: 1, torch.CPU));
    }
}
