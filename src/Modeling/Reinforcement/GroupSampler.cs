using System.Globalization;
using AlpacaFarm.Modeling.Generation;
using AlpacaFarm.Modeling.Scoring;
using AlpacaFarm.Modeling.Tokenization;
using AlpacaFarm.Modeling.Training;
using AlpacaFarm.Modeling.Transformer;
using TorchSharp;
using static TorchSharp.torch;

namespace AlpacaFarm.Modeling.Reinforcement;

/// <summary>
/// A group method's rollouts for one step: <c>groupSize</c> samples of the policy per prompt (top-p 1 at the method's
/// temperature, so that the log-probabilities describe the distribution sampled), each scored under the policy, the frozen
/// reference and the proxy reward model. Sample j of prompt i in step s draws from
/// KeyedRandom("sample", "PURPOSE step s prompt i draw j", seed): a step's rollouts depend only on its number and the policy.
/// </summary>
/// <param name="purpose">Names the method's draws (e.g. "rloo"), so that two methods never share a key.</param>
public sealed class GroupSampler(
    CausalTransformer policy, CausalTransformer reference, RewardModel rewardModel, ITokenizer tokenizer,
    double temperature, int maxNewTokens, long seed, string purpose)
{
    private const int GenerationBatch = 64;
    private const int ScoringBatch = 64;

    /// <summary>
    /// Samples and scores the groups of <paramref name="prompts"/>, in order: group i's samples are consecutive. A group in
    /// which any sample is empty (the prompt left no room to answer) is left out whole, since its baseline needs every
    /// member; the groups kept keep their index.
    /// </summary>
    public IReadOnlyList<GroupRollout> Sample(int step, IReadOnlyList<string> prompts, int groupSize, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prompts);
        ArgumentOutOfRangeException.ThrowIfLessThan(groupSize, 1);
        var promptIds = prompts.Select(p => PromptFormat.Prompt(tokenizer, p)).ToArray();
        var repeated = promptIds.SelectMany(ids => Enumerable.Repeat(ids, groupSize)).ToArray();
        var keys = Enumerable.Range(0, repeated.Length)
            .Select(r => string.Create(CultureInfo.InvariantCulture, $"{purpose} step {step} prompt {r / groupSize} draw {r % groupSize}")).ToArray();
        var responses = new Sampler(policy, tokenizer).Generate(repeated, keys,
            new SamplingOptions(temperature, 1.0, maxNewTokens, seed, GenerationBatch), cancellationToken);

        var kept = Enumerable.Range(0, promptIds.Length)
            .Where(group => Enumerable.Range(group * groupSize, groupSize).All(r => responses[r].Length > 0))
            .SelectMany(group => Enumerable.Range(group * groupSize, groupSize)).ToArray();
        var rollouts = new List<GroupRollout>(kept.Length);
        using var noGrad = torch.no_grad();
        var device = LogProbs.ModelDevice(policy);
        foreach (var chunk in kept.Chunk(ScoringBatch))
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            var batch = SequenceBatch.Build([.. chunk.Select(r => repeated[r])], [.. chunk.Select(r => responses[r])], tokenizer.PadId, device);
            var logProbs = TokenRows.Of(LogProbs.OfResponses(policy, batch, temperature));
            var referenceLogProbs = TokenRows.Of(LogProbs.OfResponses(reference, batch, temperature));
            var scores = rewardModel.Score(batch).cpu().data<float>().ToArray();
            for (var j = 0; j < chunk.Length; j++)
            {
                var length = responses[chunk[j]].Length;
                rollouts.Add(new GroupRollout(chunk[j] / groupSize, repeated[chunk[j]], responses[chunk[j]], logProbs[j][..length],
                    referenceLogProbs[j][..length], scores[j]));
            }
        }
        return rollouts;
    }
}
