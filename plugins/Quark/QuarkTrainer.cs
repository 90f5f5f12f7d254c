using System.Diagnostics;
using System.Globalization;
using AlpacaFarm.Abstractions.Methods;
using AlpacaFarm.Abstractions.Randomness;
using AlpacaFarm.Abstractions.Reporting;
using AlpacaFarm.Modeling.Checkpoints;
using AlpacaFarm.Modeling.Generation;
using AlpacaFarm.Modeling.Reinforcement;
using AlpacaFarm.Modeling.Reporting;
using AlpacaFarm.Modeling.Scoring;
using AlpacaFarm.Modeling.Tokenization;
using AlpacaFarm.Modeling.Training;
using AlpacaFarm.Modeling.Transformer;
using TorchSharp;
using static TorchSharp.torch;

namespace AlpacaFarm.Plugins.Quark;

/// <summary>
/// The Quark loop. Each step: (1) roll out the policy on a batch of unlabeled instructions (in token mode conditioned
/// on the best bin's token, except the first rollout, which has none yet); (2) score every rollout with the proxy
/// reward model; (3) clear the pool, refill it with this step's rollouts and cut it into equal reward-quantile bins;
/// (4) one pass of minibatch updates on −log π(y) + c_KL·KL(π ‖ π_ref) − c_H·H(π): on the best bin alone without tokens
/// (mode "top-bin"), or on every rollout behind its bin's token (mode "tokens"), the reference reading the prompt
/// without it; (5) log the step, and save a checkpoint every few steps.
/// </summary>
internal sealed class QuarkTrainer(
    QuarkSettings settings, CausalTransformer policy, CausalTransformer reference, RewardModel rewardModel,
    ITokenizer tokenizer, IReadOnlyList<string> prompts, long seed, IMethodReporter reporter, string workDirectory, MatmulPrecision precision)
{
    /// <summary>Written into the checkpoints it saves.</summary>
    public const string CodeVersion = "quark/1";

    private const int GenerationBatch = 64;
    private const int ScoringBatch = 64;

    private readonly RolloutPrompts _prompts = new(prompts, "quark-order", seed);

    /// <summary>The token a policy of this run decodes with: the best bin's in token mode, none otherwise.</summary>
    public string? DecodeControl => settings.Tokens ? QuarkSettings.Token(0) : null;

    public void Train(CancellationToken cancellationToken)
    {
        var device = LogProbs.ModelDevice(policy);
        // Warm-up counted in Quark steps, then a constant rate, as for PPO (AlpacaFarm's decay spans ten epochs).
        var options = new TrainingOptions(LearningRate: settings.LearningRate, WarmupFraction: settings.WarmupSteps / (double)settings.TotalSteps,
            MinLearningRateRatio: 1, WeightDecay: 0, MaxGradNorm: 1, Seed: seed) { AdamEpsilon = settings.AdamEpsilon };
        using var schedule = new AdamWSchedule(policy, options, settings.TotalSteps * settings.OptimizerStepsPerStep);
        using var log = new StepCsvLog(workDirectory, StepRecord.Header(settings.Bins).Split(','));
        var checkpoints = new StepCheckpoints(workDirectory, settings.SaveEvery, settings.TotalSteps, CodeVersion, reporter, DecodeControl);
        reference.eval();
        rewardModel.eval();

        for (var step = 0; step < settings.TotalSteps; step++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var clock = Stopwatch.StartNew();
            var batchPrompts = _prompts.Batch(step, settings.RolloutBatchSize);
            var plainIds = batchPrompts.Select(p => PromptFormat.Prompt(tokenizer, p)).ToArray();
            var sampleControl = step == 0 ? null : DecodeControl;
            var responses = new Sampler(policy, tokenizer).Generate([.. batchPrompts.Select(p => PromptFormat.Prompt(tokenizer, p, sampleControl))],
                [.. batchPrompts.Select((_, i) => string.Create(CultureInfo.InvariantCulture, $"quark step {step} rollout {i}"))],
                new SamplingOptions(settings.Temperature, settings.TopP, settings.MaxNewTokens, seed, GenerationBatch), cancellationToken);
            var generationSeconds = clock.Elapsed.TotalSeconds;

            // A rollout with an empty response (no room left after its prompt) has nothing to learn from and is left out.
            clock.Restart();
            var kept = Enumerable.Range(0, responses.Count).Where(i => responses[i].Length > 0).ToArray();
            var (heads, likelihoods) = Score(plainIds, responses, kept, device);
            var scores = heads.Zip(likelihoods, (h, l) => h + l).ToArray();
            var scoringSeconds = clock.Elapsed.TotalSeconds;

            // The pool holds this step's rollouts only (AlpacaFarm clears it every rollout), cut into equal bins, 0 the best.
            clock.Restart();
            var bins = QuantileBins.Assign(scores, settings.Bins);
            var trained = Enumerable.Range(0, kept.Length).Where(j => settings.Tokens || bins[j] == 0).ToArray();
            KeyedRandom.Create("quark-minibatches", string.Create(CultureInfo.InvariantCulture, $"step {step}"), seed).Shuffle(trained);
            var parts = new List<QuarkLossParts>();
            foreach (var minibatch in trained.Chunk(settings.StepBatchSize))
            {
                cancellationToken.ThrowIfCancellationRequested();
                parts.Add(Optimize([.. minibatch.Select(j => (Prompt: batchPrompts[kept[j]], PlainIds: plainIds[kept[j]], Response: responses[kept[j]], Bin: bins[j]))],
                    schedule, device));
            }
            var trainingSeconds = clock.Elapsed.TotalSeconds;

            var record = new StepRecord(step + 1, scores.Average(s => (double)s), heads.Average(h => (double)h), likelihoods.Average(l => (double)l),
                Enumerable.Range(0, kept.Length).Where(j => bins[j] == 0).Average(j => (double)scores[j]),
                QuantileBins.LowerBounds(scores, bins, settings.Bins), parts.Average(p => p.Kl), parts.Average(p => p.Entropy),
                parts.Average(p => p.NegativeLogLikelihood), kept.Average(i => (double)responses[i].Length), generationSeconds, scoringSeconds, trainingSeconds);
            log.Write(record.Values());
            reporter.Report(new MethodProgress("quark", step + 1, settings.TotalSteps, record.Metrics()));

            if (checkpoints.Due(step + 1)) checkpoints.Save(policy, tokenizer, step + 1);
        }
    }

    // The reward model's two readouts of each kept rollout, read with the plain prompt (the reward model has no control tokens).
    private (float[] Heads, float[] Likelihoods) Score(int[][] plainIds, IReadOnlyList<int[]> responses, int[] kept, Device device)
    {
        var heads = new List<float>(kept.Length);
        var likelihoods = new List<float>(kept.Length);
        using var noGrad = torch.no_grad();
        foreach (var chunk in kept.Chunk(ScoringBatch))
        {
            using var scope = NewDisposeScope();
            var batch = SequenceBatch.Build([.. chunk.Select(i => plainIds[i])], [.. chunk.Select(i => responses[i])], tokenizer.PadId, device);
            var (head, likelihood) = rewardModel.ScoreParts(batch);
            heads.AddRange(head.cpu().data<float>().ToArray());
            likelihoods.AddRange(likelihood.cpu().data<float>().ToArray());
        }
        return ([.. heads], [.. likelihoods]);
    }

    // One update on a minibatch: the policy reads each prompt behind its bin's token (token mode), the reference without.
    private QuarkLossParts Optimize((string Prompt, int[] PlainIds, int[] Response, int Bin)[] rows, AdamWSchedule schedule, Device device)
    {
        using var scope = NewDisposeScope();
        // Updates run in the compute's precision; rollouts and their scoring stay in the models' own (fp32).
        using var updatePrecision = new PrecisionScope(precision, policy);
        policy.train();
        var conditioned = rows.Select(r => settings.Tokens ? PromptFormat.Prompt(tokenizer, r.Prompt, QuarkSettings.Token(r.Bin)) : r.PlainIds).ToArray();
        // A response sampled without a token (the first rollout) may fill the model's length; behind a token it loses its last ids.
        var responses = rows.Select((r, i) => r.Response[..Math.Min(r.Response.Length, policy.Config.MaxSequenceLength - conditioned[i].Length)]).ToArray();
        var batch = SequenceBatch.Build(conditioned, responses, tokenizer.PadId, device);
        var plain = SequenceBatch.Build([.. rows.Select(r => r.PlainIds)], responses, tokenizer.PadId, device);
        var logits = policy.Logits(LogProbs.ResponseHidden(policy.Hidden(batch.Packed), batch));
        Tensor referenceLogits;
        using (torch.no_grad())
            referenceLogits = reference.Logits(LogProbs.ResponseHidden(reference.Hidden(plain.Packed), plain));
        var (loss, parts) = QuarkObjective.Loss(logits, referenceLogits, batch.ResponseIds, batch.ResponseMask.to(ScalarType.Float32),
            settings.KlCoefficient, settings.EntropyCoefficient);
        schedule.ZeroGrad();
        loss.backward();
        schedule.Step();
        return parts;
    }
}
