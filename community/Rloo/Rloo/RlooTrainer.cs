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

namespace Rloo;

/// <summary>
/// The RLOO loop. Each step: (1) k samples of the policy for each of the step's instructions, scored under the policy,
/// the SFT reference and the reward model (the SDK's GroupSampler); (2) each sample's reward R = score − β·KL, with KL
/// the sum over its tokens of log π − log π_SFT; (3) its advantage R less the mean R of the other k − 1 samples of its
/// group (GroupAdvantages.LeaveOneOut), whitened over the step if asked; (4) one optimiser step on the REINFORCE loss
/// (<see cref="RlooObjective"/>), gradients accumulated over micro-batches; (5) a row of steps.csv and, every save_every
/// steps, a checkpoint.
/// </summary>
internal sealed class RlooTrainer(
    RlooSettings settings, OnlineRunModels models, IReadOnlyList<string> prompts, long seed, IMethodReporter reporter, string workDirectory,
    MatmulPrecision precision)
{
    private static readonly string[] Header =
        ["step", "score", "kl", "reward", "advantage_std", "loss", "response_length", "groups_kept", "generation_seconds", "training_seconds"];

    public void Train(CancellationToken cancellationToken)
    {
        var policy = models.Policy;
        var device = LogProbs.ModelDevice(policy);
        var options = new TrainingOptions(LearningRate: settings.LearningRate, WarmupFraction: settings.WarmupSteps / (double)settings.TotalSteps,
            MinLearningRateRatio: 1, WeightDecay: 0, MaxGradNorm: 1, Seed: seed);
        using var schedule = new AdamWSchedule(policy, options, settings.TotalSteps);
        using var log = new StepCsvLog(workDirectory, Header);
        var order = new RolloutPrompts(prompts, "rloo-order", seed);
        var sampler = new GroupSampler(policy, models.Reference, models.RewardModel, models.Tokenizer, settings.Temperature, settings.MaxNewTokens, seed, "rloo");
        var checkpoints = new StepCheckpoints(workDirectory, settings.SaveEvery, settings.TotalSteps, RlooMethod.CodeVersion, reporter);
        models.Reference.eval();
        models.RewardModel.eval();

        for (var step = 0; step < settings.TotalSteps; step++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var clock = Stopwatch.StartNew();
            var rollouts = sampler.Sample(step, order.Batch(step, settings.PromptsPerStep), settings.K, cancellationToken);
            var generationSeconds = clock.Elapsed.TotalSeconds;
            if (rollouts.Count == 0)
            {
                reporter.Log(MethodLogLevel.Warning, string.Create(CultureInfo.InvariantCulture, $"step {step + 1}: every group had an empty sample; no update"));
                continue;
            }

            clock.Restart();
            var rewards = rollouts.Select(r => r.Score - settings.KlCoefficient * r.SequenceKl).ToArray();
            var advantages = GroupAdvantages.LeaveOneOut(rewards, settings.K);
            if (settings.WhitenAdvantages)
                advantages = [.. Whitening.Whiten([[.. advantages.Select(a => (float)a)]], shiftMean: true)[0].Select(a => (double)a)];
            var loss = Update(rollouts, advantages, schedule, device);
            var trainingSeconds = clock.Elapsed.TotalSeconds;

            var mean = advantages.Average();
            double[] values =
            [
                step + 1, rollouts.Average(r => (double)r.Score), rollouts.Average(r => r.SequenceKl), rewards.Average(),
                Math.Sqrt(advantages.Average(a => (a - mean) * (a - mean))), loss, rollouts.Average(r => (double)r.Response.Length),
                rollouts.Count / settings.K, generationSeconds, trainingSeconds,
            ];
            log.Write(values);
            reporter.Report(new MethodProgress("rloo", step + 1, settings.TotalSteps, new Dictionary<string, double>(StringComparer.Ordinal)
            {
                ["score"] = values[1], ["kl"] = values[2], ["length"] = values[6], ["s/step"] = generationSeconds + trainingSeconds,
            }));
            if (checkpoints.Due(step + 1)) checkpoints.Save(policy, models.Tokenizer, step + 1);
        }
    }

    // One optimiser step on the whole step's rollouts; returns the loss.
    private double Update(IReadOnlyList<GroupRollout> rollouts, double[] advantages, AdamWSchedule schedule, Device device)
    {
        var policy = models.Policy;
        using var updatePrecision = new PrecisionScope(precision, policy);
        policy.train();
        schedule.ZeroGrad();
        double total = 0;
        foreach (var micro in Enumerable.Range(0, rollouts.Count).Chunk(settings.MicroBatchSize))
        {
            using var scope = NewDisposeScope();
            var batch = SequenceBatch.Build([.. micro.Select(i => rollouts[i].Prompt)], [.. micro.Select(i => rollouts[i].Response)],
                models.Tokenizer.PadId, device);
            var sums = LogProbs.OfResponses(policy, batch, settings.Temperature).sum(1);
            var loss = RlooObjective.Loss(sums, torch.tensor(micro.Select(i => (float)advantages[i]).ToArray(), device: device), rollouts.Count);
            loss.backward();
            total += loss.item<float>();
        }
        schedule.Step();
        policy.eval();
        return total;
    }
}
