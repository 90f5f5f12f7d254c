using AlpacaFarm.Abstractions.Compute;
using AlpacaFarm.Runner.Farm;
using Mediator;

namespace AlpacaFarm.Application.Training;

/// <summary>Trains (or finds cached) the farm's SFT policy.</summary>
public sealed record TrainSft(string Recipe, long Seed, int Threads, string Device = "cpu", IProgress<TrainingStage>? Progress = null) : ICommand<TrainedArtifact>;

/// <summary>Trains (or finds cached) the farm's proxy reward model, and the SFT policy and preference data it needs.</summary>
public sealed record TrainRewardModel(string Recipe, long Seed, int Threads, string Device = "cpu", IProgress<TrainingStage>? Progress = null) : ICommand<RewardModelReport>;

public sealed record RewardModelReport(TrainedArtifact Sft, TrainedArtifact PreferenceData, TrainedArtifact RewardModel);

public sealed class TrainSftHandler(FarmModels models) : ICommandHandler<TrainSft, TrainedArtifact>
{
    public ValueTask<TrainedArtifact> Handle(TrainSft command, CancellationToken cancellationToken) =>
        ValueTask.FromResult(models.Sft(FarmRecipe.Get(command.Recipe), command.Seed, Compute.For(command.Device, command.Threads), command.Progress, cancellationToken));
}

public sealed class TrainRewardModelHandler(FarmModels models) : ICommandHandler<TrainRewardModel, RewardModelReport>
{
    public ValueTask<RewardModelReport> Handle(TrainRewardModel command, CancellationToken cancellationToken)
    {
        var recipe = FarmRecipe.Get(command.Recipe);
        var compute = Compute.For(command.Device, command.Threads);
        var sft = models.Sft(recipe, command.Seed, compute, command.Progress, cancellationToken);
        var data = models.PreferenceData(recipe, command.Seed, compute, command.Progress, cancellationToken);
        var reward = models.RewardModel(recipe, command.Seed, compute, command.Progress, cancellationToken);
        return ValueTask.FromResult(new RewardModelReport(sft, data, reward));
    }
}
