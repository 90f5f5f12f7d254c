using System.Diagnostics;
using System.Globalization;
using AlpacaFarm.Abstractions.Methods;
using AlpacaFarm.Abstractions.Reporting;
using AlpacaFarm.Modeling.Reinforcement;
using AlpacaFarm.Modeling.Reporting;
using AlpacaFarm.Modeling.Scoring;
using AlpacaFarm.Modeling.Training;
using AlpacaFarm.Modeling.Transformer;
using TorchSharp;
using static TorchSharp.torch;

namespace Grpo;

/// <summary>
/// The GRPO loop. Each step: (1) G samples of the policy for each of the step's instructions, scored under the policy
/// (π_old), the SFT reference and the reward model (the SDK's GroupSampler); (2) advantages from the scores normalised
/// within each group (GroupAdvantages.GroupNormalised; without the std for dr-grpo); (3) `iterations` optimiser steps on
/// <see cref="GrpoObjective"/> over all the step's rollouts, gradients accumulated over micro-batches; (4) a row of
/// steps.csv and, every save_every steps, a checkpoint.
/// </summary>
internal sealed class GrpoTrainer(
    GrpoSettings settings, OnlineRunModels models, IReadOnlyList<string> prompts, long seed, IMethodReporter reporter, string workDirectory,
    MatmulPrecision precision)
{
    private static readonly string[] Header =
        ["step", "score", "kl", "token_kl", "advantage_std", "loss", "clip_fraction", "response_length", "groups_kept", "generation_seconds", "training_seconds"];

    public void Train(CancellationToken cancellationToken)
    {
        var policy = models.Policy;
        var device = LogProbs.ModelDevice(policy);
        var optimizerSteps = settings.TotalSteps * settings.Iterations;
        var options = new TrainingOptions(LearningRate: settings.LearningRate, WarmupFraction: settings.WarmupSteps / (double)settings.TotalSteps,
            MinLearningRateRatio: 1, WeightDecay: 0, MaxGradNorm: 1, Seed: seed);
        using var schedule = new AdamWSchedule(policy, options, optimizerSteps);
        using var log = new StepCsvLog(workDirectory, Header);
        var order = new RolloutPrompts(prompts, "grpo-order", seed);
        var sampler = new GroupSampler(policy, models.Reference, models.RewardModel, models.Tokenizer, settings.Temperature, settings.MaxNewTokens, seed, "grpo");
        var checkpoints = new StepCheckpoints(workDirectory, settings.SaveEvery, settings.TotalSteps, GrpoMethod.CodeVersion, reporter);
        models.Reference.eval();
        models.RewardModel.eval();

        for (var step = 0; step < settings.TotalSteps; step++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var clock = Stopwatch.StartNew();
            var rollouts = sampler.Sample(step, order.Batch(step, settings.PromptsPerStep), settings.GroupSize, cancellationToken);
            var generationSeconds = clock.Elapsed.TotalSeconds;
            if (rollouts.Count == 0)
            {
                reporter.Log(MethodLogLevel.Warning, string.Create(CultureInfo.InvariantCulture, $"step {step + 1}: every group had an empty sample; no update"));
                continue;
            }

            clock.Restart();
            var advantages = GroupAdvantages.GroupNormalised([.. rollouts.Select(r => (double)r.Score)], settings.GroupSize,
                scaleByStd: settings.Variant == GrpoVariant.Grpo);
            var losses = new List<(double Loss, GrpoLossParts Parts)>();
            for (var iteration = 0; iteration < settings.Iterations; iteration++) losses.Add(Update(rollouts, advantages, schedule, device));
            var trainingSeconds = clock.Elapsed.TotalSeconds;

            var mean = advantages.Average();
            double[] values =
            [
                step + 1, rollouts.Average(r => (double)r.Score), rollouts.Average(r => r.SequenceKl), losses.Average(l => l.Parts.Kl),
                Math.Sqrt(advantages.Average(a => (a - mean) * (a - mean))), losses.Average(l => l.Loss), losses.Average(l => l.Parts.ClipFraction),
                rollouts.Average(r => (double)r.Response.Length), rollouts.Count / settings.GroupSize, generationSeconds, trainingSeconds,
            ];
            log.Write(values);
            reporter.Report(new MethodProgress("grpo", step + 1, settings.TotalSteps, new Dictionary<string, double>(StringComparer.Ordinal)
            {
                ["score"] = values[1], ["kl"] = values[2], ["clip"] = values[6], ["length"] = values[7], ["s/step"] = generationSeconds + trainingSeconds,
            }));
            if (checkpoints.Due(step + 1)) checkpoints.Save(policy, models.Tokenizer, step + 1);
        }
    }

    // One optimiser step over the whole step's rollouts; its loss and token-weighted parts.
    private (double Loss, GrpoLossParts Parts) Update(IReadOnlyList<GroupRollout> rollouts, double[] advantages, AdamWSchedule schedule, Device device)
    {
        var policy = models.Policy;
        using var updatePrecision = new PrecisionScope(precision, policy);
        policy.train();
        schedule.ZeroGrad();
        double loss = 0, clip = 0, kl = 0;
        double tokens = rollouts.Sum(r => r.Response.Length);
        foreach (var micro in Enumerable.Range(0, rollouts.Count).Chunk(settings.MicroBatchSize))
        {
            using var scope = NewDisposeScope();
            var batch = SequenceBatch.Build([.. micro.Select(i => rollouts[i].Prompt)], [.. micro.Select(i => rollouts[i].Response)],
                models.Tokenizer.PadId, device);
            var width = (int)batch.ResponseIds.shape[1];
            var logProbs = LogProbs.OfResponses(policy, batch, settings.Temperature);
            var (microLoss, parts) = GrpoObjective.Loss(logProbs,
                TokenRows.Padded(micro.Select(i => rollouts[i].LogProbs), width, device),
                TokenRows.Padded(micro.Select(i => rollouts[i].ReferenceLogProbs), width, device),
                torch.tensor(micro.Select(i => (float)advantages[i]).ToArray(), device: device),
                batch.ResponseMask.to(ScalarType.Float32), settings.ClipRange, settings.KlCoefficient, settings.Variant, rollouts.Count, settings.MaxNewTokens);
            microLoss.backward();
            var share = micro.Sum(i => rollouts[i].Response.Length) / tokens;
            loss += microLoss.item<float>();
            clip += share * parts.ClipFraction;
            kl += share * parts.Kl;
        }
        schedule.Step();
        policy.eval();
        return (loss, new GrpoLossParts(clip, kl));
    }
}
