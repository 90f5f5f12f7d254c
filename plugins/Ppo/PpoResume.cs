using System.Text.Json;
using AlpacaFarm.Modeling.Training;
using TorchSharp;

namespace AlpacaFarm.Plugins.Ppo;

/// <summary>Where a run stands at a checkpoint: steps done, optimiser steps taken, and the KL coefficient in force.</summary>
internal sealed record PpoResumeState(int Step, int OptimizerSteps, double KlCoefficient);

/// <summary>
/// What a killed run needs to continue bit for bit, kept in the run's work directory (runs/KEY/resume/): the policy and
/// value weights, AdamW's moments, the optimiser's step count, the KL coefficient and the PPO step. Rollouts, orders and
/// minibatches are keyed by step and seed, so nothing else carries state. A new state is written whole into
/// resume-next/ (state.json last) and then takes resume/'s place, so a kill at any moment leaves one complete state.
/// </summary>
internal static class PpoResume
{
    private const string Current = "resume";
    private const string Next = "resume-next";
    private const string StateFile = "state.json";
    private const string WeightsFile = "actor-critic.bin";
    private const string OptimizerFile = "optimizer.bin";

    public static void Save(string workDirectory, PpoResumeState state, ActorCritic actorCritic, AdamWSchedule schedule)
    {
        var next = Path.Combine(workDirectory, Next);
        if (Directory.Exists(next)) Directory.Delete(next, recursive: true);
        Directory.CreateDirectory(next);
        actorCritic.save(Path.Combine(next, WeightsFile));
        schedule.SaveState(Path.Combine(next, OptimizerFile));
        File.WriteAllText(Path.Combine(next, StateFile), JsonSerializer.Serialize(state));
        var current = Path.Combine(workDirectory, Current);
        if (Directory.Exists(current)) Directory.Delete(current, recursive: true);
        Directory.Move(next, current);
    }

    /// <summary>Restores the newest complete state into the models and the schedule; null when there is none (a fresh run).</summary>
    public static PpoResumeState? Load(string workDirectory, ActorCritic actorCritic, AdamWSchedule schedule)
    {
        foreach (var name in new[] { Current, Next })
        {
            var folder = Path.Combine(workDirectory, name);
            var statePath = Path.Combine(folder, StateFile);
            if (!File.Exists(statePath)) continue;
            var state = JsonSerializer.Deserialize<PpoResumeState>(File.ReadAllText(statePath))
                ?? throw new InvalidDataException($"{statePath} is empty");
            using (torch.no_grad()) actorCritic.load(Path.Combine(folder, WeightsFile), strict: true);
            schedule.LoadState(Path.Combine(folder, OptimizerFile), state.OptimizerSteps);
            return state;
        }
        return null;
    }
}
