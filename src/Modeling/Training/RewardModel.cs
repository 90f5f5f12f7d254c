using AlpacaFarm.Modeling.Runtime;
using AlpacaFarm.Modeling.Scoring;
using AlpacaFarm.Modeling.Tokenization;
using AlpacaFarm.Modeling.Transformer;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AlpacaFarm.Modeling.Training;

/// <summary>
/// A transformer backbone with two readouts: a scalar head at the last real token of prompt + response (its
/// end-of-sequence), as AlpacaFarm's reward models have, plus a learned weight β times the mean log-probability that
/// the backbone's own language-model head gives the response tokens.
/// </summary>
/// <remarks>
/// Why the likelihood term: the farm's preferences turn mostly on knowledge (a wrong colour, a wrong list member, an
/// unsorted number). The SFT backbone holds that knowledge as next-token probabilities, but a last-token head must
/// learn to re-derive it from 9k noisy pairs, and did not: it learned surface features only
/// (docs/results/2026-11-24-farm-3-models.md). Through the likelihood term each pair's gradient lands on the very
/// tokens that differ, as in DPO's implicit reward (length-normalised, reference-free, as SimPO's).
/// </remarks>
public sealed class RewardModel : nn.Module
{
    private readonly CausalTransformer backbone;
    private readonly Linear score_head;
    private readonly Parameter likelihood_weight;

    /// <summary>
    /// β before training. At reward-model learning rates (1e-4) a scalar barely moves in one epoch, so its start
    /// matters; 3 agreed better than 1 with the noiseless pool on held-out pairs of both worlds
    /// (docs/results/2026-11-24-farm-3-models.md).
    /// </summary>
    public const float InitialLikelihoodWeight = 3;

    /// <summary>A reward model of <paramref name="config"/>'s shape, initialised from <paramref name="init"/>.</summary>
    public RewardModel(TransformerConfig config, Generator init) : base(nameof(RewardModel))
    {
        backbone = new CausalTransformer(config, init);
        score_head = nn.Linear(config.Width, 1);
        likelihood_weight = new Parameter(torch.full(1, InitialLikelihoodWeight));
        RegisterComponents();
        using var noGrad = torch.no_grad();
        score_head.weight!.normal_(0, 0.02, init);
        score_head.bias!.zero_();
    }

    /// <summary>The backbone's shape.</summary>
    public TransformerConfig Config => backbone.Config;

    /// <summary>The transformer under both readouts (its language-model head gives the likelihood term).</summary>
    public CausalTransformer Backbone => backbone;

    /// <summary>Starts from another model's weights (e.g. the SFT policy, as AlpacaFarm does); the shapes must match.</summary>
    public void CopyBackboneFrom(CausalTransformer source)
    {
        using var noGrad = torch.no_grad();
        var (missing, _) = backbone.load_state_dict(source.state_dict(), strict: false);
        if (missing.Count > 0 && missing.Any(name => !name.StartsWith("value_head", StringComparison.Ordinal) && !name.StartsWith("lm_head", StringComparison.Ordinal)))
            throw new ArgumentException($"the source lacks backbone weights: {string.Join(", ", missing)}");
    }

    /// <summary>Rewards [batch] of the batch's sequences: the sum of the two readouts of <see cref="ScoreParts"/>.</summary>
    public Tensor Score(SequenceBatch batch)
    {
        using var scope = NewDisposeScope();
        var (head, likelihood) = ScoreParts(batch);
        return head.add(likelihood).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The reward's two readouts [batch] each: the score head at the last real token, and β × the mean log-probability
    /// of the response tokens under the backbone's language-model head (PPO logs them apart, to see which it raises).
    /// </summary>
    public (Tensor Head, Tensor Likelihood) ScoreParts(SequenceBatch batch)
    {
        using var scope = NewDisposeScope();
        var (head, logProbs) = Readouts(batch);
        return (head.MoveToOuterDisposeScope(), Likelihood(logProbs, batch.ResponseMask).MoveToOuterDisposeScope());
    }

    /// <summary>
    /// The score head [batch] and the likelihood readout's per-token terms [batch, response width]: β × each response
    /// token's log-probability, 0 at padding. The readout of <see cref="ScoreParts"/> is their mean over each response.
    /// </summary>
    public (Tensor Head, Tensor LikelihoodTerms) ScoreTokens(SequenceBatch batch)
    {
        using var scope = NewDisposeScope();
        var (head, logProbs) = Readouts(batch);
        return (head.MoveToOuterDisposeScope(), logProbs.mul(likelihood_weight).MoveToOuterDisposeScope());
    }

    // β × the mean log-probability of each response's tokens ([batch, response width], 0 at padding).
    private Tensor Likelihood(Tensor logProbs, Tensor responseMask) =>
        logProbs.sum(1).div(responseMask.sum(1).clamp_min(HeldScalars.One)).mul(likelihood_weight);

    // The head at the last real token, and the response tokens' log-probabilities under the backbone's own LM head.
    private (Tensor Head, Tensor LogProbs) Readouts(SequenceBatch batch)
    {
        var hidden = backbone.Hidden(batch.Packed);
        var last = hidden.gather(1, batch.LastIndex.view(-1, 1, 1).expand(-1, 1, hidden.shape[2])).squeeze(1);
        var logProbs = LogProbs.OfResponses(backbone.Logits(LogProbs.ResponseHidden(hidden, batch)), batch);
        return (score_head.forward(last).squeeze(-1), logProbs);
    }

    /// <summary>
    /// Rewards of (instruction, response) texts, in the items' order, without gradients. Batches hold texts of similar
    /// length (sorted by token count), so little of each forward pass is padding. When instructions repeat (Best-of-n's
    /// candidates), each distinct prompt is computed once and the responses are scored against copies of its keys and
    /// values (<see cref="ScoreRepeated"/>).
    /// </summary>
    public float[] Score(ITokenizer tokenizer, IReadOnlyList<(string Instruction, string Response)> items, int batchSize = 32)
    {
        var wasTraining = training;
        eval();
        try
        {
            var device = LogProbs.ModelDevice(this);
            var fitted = items.Select(i => PromptFormat.Fit(tokenizer, i.Instruction, i.Response, Config.MaxSequenceLength)).ToArray();
            if (PromptSharing.Of([.. fitted.Select(f => (IReadOnlyList<int>)f.Prompt)]) is { } repeats)
                return ScoreRepeated(fitted, repeats, tokenizer.PadId, batchSize, device);
            var order = Enumerable.Range(0, items.Count).OrderBy(i => fitted[i].Prompt.Length + fitted[i].Response.Length).ToArray();
            var rewards = new float[items.Count];
            foreach (var chunk in order.Chunk(batchSize))
            {
                using var scope = NewDisposeScope();
                // no_grad, not inference_mode: inference mode made Best-of-16 scoring slower
                // (docs/results/2026-11-24-modeling-performance.md).
                using var noGrad = torch.no_grad();
                var batch = SequenceBatch.Build([.. chunk.Select(i => fitted[i].Prompt)], [.. chunk.Select(i => fitted[i].Response)], tokenizer.PadId, device);
                var scores = Score(batch).cpu().data<float>().ToArray();
                for (var j = 0; j < chunk.Length; j++) rewards[chunk[j]] = scores[j];
            }
            return rewards;
        }
        finally
        {
            train(wasTraining);
        }
    }

    // Two passes: the distinct prompts, left-padded to the widest, through the backbone with a cache (their keys and values
    // and the last prompt position's hidden state kept); then the responses, sorted by length, each batch against copies of
    // its prompts' cache rows. Same readouts as Score(SequenceBatch), up to float rounding.
    private float[] ScoreRepeated((int[] Prompt, int[] Response)[] fitted, PromptSharing sharing, int padId, int batchSize, Device device)
    {
        using var scope = NewDisposeScope();
        using var noGrad = torch.no_grad();
        var distinct = sharing.Distinct.Select(row => fitted[row].Prompt).ToArray();
        var promptWidth = distinct.Max(p => p.Length);
        using var prompts = new KvCache(Config.Depth);
        var lastHidden = new List<Tensor>();
        var promptMasks = new List<Tensor>();
        foreach (var chunk in distinct.Chunk(batchSize))
        {
            using var chunkScope = NewDisposeScope();
            var (ids, mask) = SequenceBatch.Padded(chunk, promptWidth, padId, left: true, device);
            using var part = new KvCache(Config.Depth);
            var hidden = backbone.Hidden(ids, mask, CausalTransformer.PositionsFromMask(mask), part);
            prompts.AppendRows(part);
            lastHidden.Add(hidden.select(1, -1).MoveToOuterDisposeScope());
            promptMasks.Add(mask.MoveToOuterDisposeScope());
        }
        var promptLast = torch.cat(lastHidden, 0);
        var promptMask = torch.cat(promptMasks, 0);
        var rewards = new float[fitted.Length];
        foreach (var chunk in Enumerable.Range(0, fitted.Length).OrderBy(i => fitted[i].Response.Length).Chunk(batchSize))
        {
            using var chunkScope = NewDisposeScope();
            var responseWidth = chunk.Max(i => fitted[i].Response.Length);
            var (ids, real) = SequenceBatch.Padded([.. chunk.Select(i => fitted[i].Response)], responseWidth, padId, left: false, device);
            var rows = torch.tensor(chunk.Select(i => sharing.Source[i]).ToArray(), device: device);
            var mask = torch.cat([promptMask.index_select(0, rows), real], 1);
            using var cache = prompts.Rows(rows);
            var hidden = backbone.Hidden(ids, mask, CausalTransformer.PositionsFromMask(mask).narrow(1, promptWidth, responseWidth), cache);
            // Every response ends with end-of-sequence, so its last real token is a response column.
            var lengths = torch.tensor(chunk.Select(i => (long)fitted[i].Response.Length - 1).ToArray(), device: device);
            var last = hidden.gather(1, lengths.view(-1, 1, 1).expand(-1, 1, hidden.shape[2])).squeeze(1);
            var predictors = torch.cat([promptLast.index_select(0, rows).unsqueeze(1), hidden.narrow(1, 0, responseWidth - 1)], 1);
            var logProbs = LogProbs.OfResponses(backbone.Logits(predictors), ids, real);
            var scores = score_head.forward(last).squeeze(-1).add(Likelihood(logProbs, real)).cpu().data<float>().ToArray();
            for (var j = 0; j < chunk.Length; j++) rewards[chunk[j]] = scores[j];
        }
        return rewards;
    }
}
