using AlpacaFarm.Abstractions.Compute;
using AlpacaFarm.Application.Pipeline;
using AlpacaFarm.Runner.Farm;
using Mediator;

namespace AlpacaFarm.Application.Training;

/// <summary>Trains (or finds cached) the farm's SFT policy.</summary>
public sealed record TrainSft(string Recipe, long Seed, ComputeResources Compute, IProgress<TrainingStage>? Progress = null)
    : ICommand<TrainedArtifact>, IValidated, IUsesCompute
{
    public void Validate() => FarmRecipe.Get(Recipe);
}

/// <summary>Trains (or finds cached) the farm's proxy reward model, and the SFT policy and preference data it needs.</summary>
public sealed record TrainRewardModel(string Recipe, long Seed, ComputeResources Compute, IProgress<TrainingStage>? Progress = null)
    : ICommand<RewardModelReport>, IValidated, IUsesCompute
{
    public void Validate() => FarmRecipe.Get(Recipe);
}

public sealed record RewardModelReport(TrainedArtifact Sft, TrainedArtifact PreferenceData, TrainedArtifact RewardModel);

public sealed class TrainSftHandler(Lazy<FarmModels> models) : ICommandHandler<TrainSft, TrainedArtifact>
{
    public ValueTask<TrainedArtifact> Handle(TrainSft command, CancellationToken cancellationToken) =>
        ValueTask.FromResult(models.Value.Sft(FarmRecipe.Get(command.Recipe), command.Seed, command.Compute, command.Progress, cancellationToken));
}

public sealed class TrainRewardModelHandler(Lazy<FarmModels> models) : ICommandHandler<TrainRewardModel, RewardModelReport>
{
    public ValueTask<RewardModelReport> Handle(TrainRewardModel command, CancellationToken cancellationToken)
    {
        var recipe = FarmRecipe.Get(command.Recipe);
        var sft = models.Value.Sft(recipe, command.Seed, command.Compute, command.Progress, cancellationToken);
        var data = models.Value.PreferenceData(recipe, command.Seed, command.Compute, command.Progress, cancellationToken);
        var reward = models.Value.RewardModel(recipe, command.Seed, command.Compute, command.Progress, cancellationToken);
        return ValueTask.FromResult(new RewardModelReport(sft, data, reward));
    }
}
