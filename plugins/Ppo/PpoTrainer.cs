using System.Diagnostics;
using System.Globalization;
using AlpacaFarm.Abstractions.Artifacts;
using AlpacaFarm.Abstractions.Methods;
using AlpacaFarm.Abstractions.Randomness;
using AlpacaFarm.Abstractions.Reporting;
using AlpacaFarm.Modeling.Checkpoints;
using AlpacaFarm.Modeling.Generation;
using AlpacaFarm.Modeling.Reinforcement;
using AlpacaFarm.Modeling.Reporting;
using AlpacaFarm.Modeling.Runtime;
using AlpacaFarm.Modeling.Scoring;
using AlpacaFarm.Modeling.Tokenization;
using AlpacaFarm.Modeling.Training;
using AlpacaFarm.Modeling.Transformer;
using TorchSharp;
using static TorchSharp.torch;

namespace AlpacaFarm.Plugins.Ppo;

/// <summary>
/// The PPO loop. Each step: (1) roll out the policy on a batch of unlabeled instructions; (2) score every response
/// token under the rollout policy, the frozen reference and the value model, and each response with the reward model;
/// (3) shape the rewards (−β·KL per token, the reward model's score at the last token, with its likelihood part moved
/// to the tokens that earned it unless likelihood_credit=last), optionally whiten them, and
/// estimate advantages with GAE; (4) a few epochs of clipped policy and value updates over minibatches (with an entropy
/// bonus when entropy_coef is set); (5) update the KL coefficient, log the step, and save a checkpoint every few steps.
/// </summary>
internal sealed class PpoTrainer(
    PpoSettings settings, CausalTransformer policy, CausalTransformer reference, CausalTransformer valueModel, RewardModel rewardModel,
    ITokenizer tokenizer, IReadOnlyList<string> prompts, long seed, IMethodReporter reporter, string workDirectory, MatmulPrecision precision)
{
    /// <summary>Written into the checkpoints it saves.</summary>
    public const string CodeVersion = "ppo/1";

    private const int GenerationBatch = 64;
    private const int ScoringBatch = 64;

    private readonly RolloutPrompts _prompts = new(prompts, "ppo-order", seed);

    public void Train(CancellationToken cancellationToken)
    {
        var device = LogProbs.ModelDevice(policy);
        var actorCritic = new ActorCritic(policy, valueModel);
        var optimizerSteps = settings.TotalSteps * settings.OptimizerStepsPerStep;
        // Warm-up counted in PPO steps, as AlpacaFarm's scheduler steps once per PPO step; then a constant rate (its
        // linear decay spans ten epochs, of which the evaluated checkpoints see the first few percent).
        var options = new TrainingOptions(LearningRate: settings.LearningRate, WarmupFraction: settings.WarmupSteps / (double)settings.TotalSteps,
            MinLearningRateRatio: 1, WeightDecay: 0, MaxGradNorm: 1, Seed: seed) { AdamEpsilon = settings.AdamEpsilon };
        using var schedule = new AdamWSchedule(actorCritic, options, optimizerSteps);
        var resumed = PpoResume.Load(workDirectory, actorCritic, schedule);
        var coefficient = resumed?.KlCoefficient ?? settings.KlCoefficient;
        var kl = settings.AdaptiveKl ? KlController.Adaptive(coefficient, settings.KlTarget, settings.KlHorizon) : KlController.Fixed(coefficient);
        using var log = new StepCsvLog(workDirectory, StepRecord.Header.Split(','), resumed?.Step ?? 0);
        var checkpoints = new StepCheckpoints(workDirectory, settings.SaveEvery, settings.TotalSteps, CodeVersion, reporter);
        if (resumed is not null)
        {
            reporter.Log(MethodLogLevel.Information, string.Create(CultureInfo.InvariantCulture, $"resuming after step {resumed.Step} from {workDirectory}"));
            checkpoints.ReportSaved(resumed.Step);
        }
        reference.eval();
        rewardModel.eval();

        for (var step = resumed?.Step ?? 0; step < settings.TotalSteps; step++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var clock = Stopwatch.StartNew();
            var batchPrompts = _prompts.Batch(step, settings.RolloutBatchSize);
            var promptIds = batchPrompts.Select(p => PromptFormat.Prompt(tokenizer, p)).ToArray();
            var responses = new Sampler(policy, tokenizer).Generate(promptIds,
                [.. batchPrompts.Select((_, i) => string.Create(CultureInfo.InvariantCulture, $"ppo step {step} rollout {i}"))],
                new SamplingOptions(settings.Temperature, 1.0, settings.MaxNewTokens, seed, GenerationBatch), cancellationToken);
            var generationSeconds = clock.Elapsed.TotalSeconds;

            clock.Restart();
            var rollouts = Score(promptIds, responses, device);
            var scoringSeconds = clock.Elapsed.TotalSeconds;

            clock.Restart();
            var meanLength = rollouts.Average(r => (double)r.Response.Length);
            var meanTerm = settings.LikelihoodCredit == LikelihoodCredit.TokensCentred
                ? rollouts.Sum(r => r.LikelihoodTerms!.Sum(term => (double)term)) / rollouts.Sum(r => r.Response.Length)
                : 0;
            var rewards = rollouts.Select(r => r.ShapedRewards(kl.Value, meanLength, meanTerm)).ToArray();
            if (settings.WhitenRewards) rewards = Whitening.Whiten(rewards, shiftMean: false);
            var (advantages, returns) = Gae.Estimate(rewards, [.. rollouts.Select(r => r.Values)], settings.Gamma, settings.Lambda);
            advantages = Whitening.Whiten(advantages, shiftMean: true);
            var parts = new List<(PpoLossParts Parts, double Entropy)>();
            for (var epoch = 0; epoch < settings.PpoEpochs; epoch++)
            {
                var order = Enumerable.Range(0, rollouts.Count).ToArray();
                KeyedRandom.Create("ppo-minibatches", string.Create(CultureInfo.InvariantCulture, $"step {step} epoch {epoch}"), seed).Shuffle(order);
                foreach (var minibatch in order.Chunk(settings.StepBatchSize))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    parts.Add(Optimize(minibatch, rollouts, advantages, returns, schedule, device));
                }
            }
            var trainingSeconds = clock.Elapsed.TotalSeconds;

            var meanKl = rollouts.Average(r => r.LogProbs.Zip(r.ReferenceLogProbs, (p, q) => (double)p - q).Sum());
            var record = new StepRecord(step + 1,
                rollouts.Average(r => (double)r.Score), rollouts.Average(r => (double)r.ScoreHead), rollouts.Average(r => (double)r.ScoreLikelihood),
                meanKl, kl.Value, parts.Average(p => p.Entropy), parts.Average(p => p.Parts.PolicyLoss), parts.Average(p => p.Parts.ValueLoss),
                parts.Average(p => p.Parts.ClipFraction), parts.Average(p => p.Parts.ApproximateKl), rollouts.Average(r => (double)r.Response.Length),
                generationSeconds, scoringSeconds, trainingSeconds);
            kl.Update(meanKl, rollouts.Count);
            log.Write(record.Values());
            reporter.Report(new MethodProgress("ppo", step + 1, settings.TotalSteps, record.Metrics()));

            if (checkpoints.Due(step + 1))
            {
                checkpoints.Save(policy, tokenizer, step + 1);
                PpoResume.Save(workDirectory, new PpoResumeState(step + 1, schedule.StepsTaken, kl.Value), actorCritic, schedule);
            }
        }
    }

    // Per-token log-probabilities (rollout policy, reference) at the rollout temperature, values, and the reward model's
    // score of each rollout; a rollout with an empty response (no room left after its prompt) has no token to credit and
    // is left out.
    private List<Rollout> Score(int[][] promptIds, IReadOnlyList<int[]> responses, Device device)
    {
        var rollouts = new List<Rollout>(promptIds.Length);
        using var noGrad = torch.no_grad();
        foreach (var chunk in Enumerable.Range(0, promptIds.Length).Where(i => responses[i].Length > 0).Chunk(ScoringBatch))
        {
            using var scope = NewDisposeScope();
            var batch = SequenceBatch.Build([.. chunk.Select(i => promptIds[i])], [.. chunk.Select(i => responses[i])], tokenizer.PadId, device);
            var logProbs = TokenRows.Of(LogProbs.OfResponses(policy, batch, settings.Temperature));
            var referenceLogProbs = TokenRows.Of(LogProbs.OfResponses(reference, batch, settings.Temperature));
            var values = TokenRows.Of(ValuesOf(batch));
            // Paid per token, the readout comes as its terms (their mean is the readout); else as the readout itself.
            float[] heads, likelihoods;
            float[][]? termRows = null;
            if (settings.LikelihoodCredit != LikelihoodCredit.Last)
            {
                var (head, terms) = rewardModel.ScoreTokens(batch);
                heads = head.cpu().data<float>().ToArray();
                var rows = termRows = TokenRows.Of(terms);
                likelihoods = [.. chunk.Select((i, j) => rows[j][..responses[i].Length].Average())];
            }
            else
            {
                var (head, likelihood) = rewardModel.ScoreParts(batch);
                if (settings.LikelihoodLogRatio) likelihood = LogRatio(likelihood, batch);
                heads = head.cpu().data<float>().ToArray();
                likelihoods = likelihood.cpu().data<float>().ToArray();
            }
            for (var j = 0; j < chunk.Length; j++)
            {
                var length = responses[chunk[j]].Length;
                rollouts.Add(new Rollout(promptIds[chunk[j]], responses[chunk[j]], logProbs[j][..length], referenceLogProbs[j][..length],
                    values[j][..length], heads[j] + likelihoods[j], heads[j], likelihoods[j], termRows?[j][..length]));
            }
        }
        return rollouts;
    }

    // β × mean(log p_RM − log p_SFT) from the readout β × mean log p_RM: the readout times (1 − mean log p_SFT / mean
    // log p_RM), both at temperature 1, as the reward model reads. It drops the part of the readout that the SFT policy's
    // own likelihood pays, which with the KL penalty makes PPO's optimum a sharpened SFT (plugins/Ppo/README.md).
    private Tensor LogRatio(Tensor likelihood, SequenceBatch batch)
    {
        var tokens = batch.ResponseMask.sum(1).clamp_min(HeldScalars.One);
        var rewardModelMean = LogProbs.OfResponses(rewardModel.Backbone, batch).sum(1).div(tokens);
        var referenceMean = LogProbs.OfResponses(reference, batch).sum(1).div(tokens);
        return likelihood.mul(referenceMean.div(rewardModelMean).neg().add(HeldScalars.One));
    }

    // One clipped update of the policy and the value model on a minibatch of rollouts; its loss parts and mean entropy.
    // The minibatch's loss is a mean over its response tokens, so each micro-batch's mean is weighted by its share of the
    // tokens and its gradients accumulate before the one optimiser step (AlpacaFarm accumulates over 16 per-device
    // batches). Small micro-batches also keep every activation under glibc's 32 MB mmap ceiling, above which each
    // allocation is fresh pages (plugins/Ppo/README.md).
    private (PpoLossParts Parts, double Entropy) Optimize(int[] minibatch, List<Rollout> rollouts, float[][] advantages, float[][] returns,
        AdamWSchedule schedule, Device device)
    {
        // Updates run in the compute's precision; rollouts and their scoring stay in the models' own (fp32).
        using var updatePrecision = new PrecisionScope(precision, policy, valueModel);
        policy.train();
        valueModel.train();
        schedule.ZeroGrad();
        double total = minibatch.Sum(i => rollouts[i].Response.Length);
        double policyLoss = 0, valueLoss = 0, clipFraction = 0, valueClipFraction = 0, approximateKl = 0, entropy = 0;
        foreach (var micro in minibatch.Chunk(settings.MicroBatchSize))
        {
            using var scope = NewDisposeScope();
            var share = micro.Sum(i => rollouts[i].Response.Length) / total;
            var batch = SequenceBatch.Build([.. micro.Select(i => rollouts[i].Prompt)], [.. micro.Select(i => rollouts[i].Response)],
                tokenizer.PadId, device);
            var width = (int)batch.ResponseIds.shape[1];
            var logits = LogProbs.Tempered(policy.Logits(LogProbs.ResponseHidden(policy.Hidden(batch.Packed), batch)),
                settings.Temperature);
            var logProbs = LogProbs.OfResponses(logits, batch);
            var values = ValuesOf(batch);
            var mask = batch.ResponseMask.to(ScalarType.Float32);
            Tensor Padded(Func<int, float[]> row) => TokenRows.Padded(micro.Select(row), width, device);
            var (loss, parts) = PpoObjective.Loss(logProbs, Padded(i => rollouts[i].LogProbs), Padded(i => advantages[i]),
                values, Padded(i => rollouts[i].Values), Padded(i => returns[i]), mask,
                settings.ClipRange, settings.ValueClipRange, settings.ValueCoefficient);
            var microEntropy = MeanEntropy(logits, mask, withGradient: settings.EntropyCoefficient > 0);
            if (settings.EntropyCoefficient > 0)
            {
                using var bonus = settings.EntropyCoefficient.ToScalar();
                loss = loss.sub(microEntropy.mul(bonus));
            }
            using var weight = share.ToScalar();
            loss.mul(weight).backward();
            policyLoss += share * parts.PolicyLoss;
            valueLoss += share * parts.ValueLoss;
            clipFraction += share * parts.ClipFraction;
            valueClipFraction += share * parts.ValueClipFraction;
            approximateKl += share * parts.ApproximateKl;
            entropy += share * microEntropy.item<float>();
        }
        schedule.Step();
        return (new PpoLossParts(policyLoss, valueLoss, clipFraction, valueClipFraction, approximateKl), entropy);
    }

    // The mean token entropy of softmax(logits), logged every minibatch; it joins the graph only when the bonus pays for it.
    private static Tensor MeanEntropy(Tensor logits, Tensor mask, bool withGradient)
    {
        using var noGrad = withGradient ? null : torch.no_grad();
        var logSoftmax = logits.log_softmax(-1);
        return PpoObjective.MaskedMean(logSoftmax.exp().mul(logSoftmax).sum(-1).neg(), mask);
    }

    // value[t] is read from the hidden state at t − 1: the state that chose response token t.
    private Tensor ValuesOf(SequenceBatch batch) =>
        valueModel.Values(LogProbs.ResponseHidden(valueModel.Hidden(batch.Packed), batch));
}
