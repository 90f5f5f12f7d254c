using AlpacaFarm.Abstractions.Artifacts;
using AlpacaFarm.Abstractions.Compute;
using AlpacaFarm.Application.Pipeline;
using AlpacaFarm.Abstractions.Policies;
using AlpacaFarm.Leaderboard;
using AlpacaFarm.Modeling.Checkpoints;
using AlpacaFarm.Modeling.Policies;
using AlpacaFarm.Runner.Evaluation;
using AlpacaFarm.Runner.Farm;
using AlpacaFarm.Runner.Methods;
using AlpacaFarm.Simulation;
using Mediator;

namespace AlpacaFarm.Application.Evaluation;

/// <summary>
/// Generates a policy's outputs on the farm's eval-805 with the host's recorded decoding options (AlpacaFarm's:
/// temperature 0.7, top-p 0.9) and scores them. <paramref name="Policy"/> is "sft" (trained or taken from the cache)
/// or the folder of a policy checkpoint. The outputs are also written in AlpacaEval's format under the home's outputs/.
/// </summary>
public sealed record EvaluatePolicy(
    string Policy,
    string Recipe,
    long Seed,
    string? Annotators,
    string? Name,
    bool Replace,
    ComputeResources Compute,
    IProgress<TrainingStage>? Progress = null) : ICommand<PolicyEvaluationResult>, IValidated, IUsesCompute
{
    /// <summary>"sft": the home's own SFT policy, trained if it is not cached yet.</summary>
    public bool BuiltIn => Policy == "sft";

    /// <summary>The policy folder's handle (null for "sft"); a folder that is no checkpoint is refused.</summary>
    public ArtifactHandle? Folder() => BuiltIn ? null : OpenHandle(Policy);

    /// <summary>The row's name: --name, else sft-RECIPE-sSEED (-bf16 in bf16-mixed) or the folder's name.</summary>
    public string RowName() => SubmissionScorer.ChooseName(Name,
        [BuiltIn ? RunKey.BaselineRowName(FarmRecipe.Get(Recipe).Name, Seed, Compute.Precision) : Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(Policy)))]);

    /// <summary>Before training or generating: the recipe, the folder, then the name.</summary>
    public void Validate()
    {
        FarmRecipe.Get(Recipe);
        Folder();
        RowName();
    }

    private static ArtifactHandle OpenHandle(string folder)
    {
        if (!Directory.Exists(folder)) throw new ArgumentException($"--policy {folder}: neither 'sft' nor a policy checkpoint folder");
        var manifest = Checkpoint.ReadManifest(folder);
        return ArtifactHandle.ForFolder(ArtifactKind.Policy, folder, manifest.CodeVersion);
    }
}

public sealed class EvaluatePolicyHandler(Lazy<FarmModels> models, Lazy<PolicyEvaluation> evaluation)
    : ICommandHandler<EvaluatePolicy, PolicyEvaluationResult>
{
    public async ValueTask<PolicyEvaluationResult> Handle(EvaluatePolicy command, CancellationToken cancellationToken)
    {
        var recipe = FarmRecipe.Get(command.Recipe);
        var name = command.RowName();
        var handle = command.Folder() ?? models.Value.Sft(recipe, command.Seed, command.Compute, command.Progress, cancellationToken).Handle;
        // Verified only when the platform made the weights: its own SFT, or a policy folder of this home's artifact cache.
        var verified = command.BuiltIn || models.Value.IsCachedArtifact(handle);
        var provenance = PolicyEvaluation.CheckpointProvenance(command.BuiltIn ? "baseline" : "policy", handle, recipe.Name, command.Seed,
            verified ? Aggregates.Verified : Aggregates.Community);
        using var policy = TorchPolicy.Open(handle, command.Compute, name, recipe.GenerationBatch);
        return await evaluation.Value.ScoreAsync(policy, FarmEvalSet.Load(), name, DecodingOptions.Evaluation(command.Seed), recipe.GenerationBatch,
            provenance, command.Annotators, command.Replace, command.Progress, cancellationToken);
    }
}
