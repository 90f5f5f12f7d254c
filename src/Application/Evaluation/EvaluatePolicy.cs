using AlpacaFarm.Abstractions.Artifacts;
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
    int Threads,
    string Device = "cpu",
    IProgress<TrainingStage>? Progress = null) : ICommand<PolicyEvaluationResult>;

public sealed class EvaluatePolicyHandler(FarmModels models, PolicyEvaluation evaluation)
    : ICommandHandler<EvaluatePolicy, PolicyEvaluationResult>
{
    public async ValueTask<PolicyEvaluationResult> Handle(EvaluatePolicy command, CancellationToken cancellationToken)
    {
        var recipe = FarmRecipe.Get(command.Recipe);
        var compute = Compute.For(command.Device, command.Threads);
        var builtIn = command.Policy == "sft";
        // Everything is checked before training or generating: a folder first, then the name.
        var folder = builtIn ? null : OpenHandle(command.Policy);
        var name = SubmissionScorer.ChooseName(command.Name,
            [builtIn ? RunKey.RowName("sft", recipe.Name, command.Seed, new Dictionary<string, string>()) : Path.GetFileName(Path.TrimEndingDirectorySeparator(folder!.Path))]);
        var handle = folder ?? models.Sft(recipe, command.Seed, compute, command.Progress, cancellationToken).Handle;
        // Verified only when the platform made the weights: its own SFT, or a policy folder of this home's artifact cache.
        var verified = builtIn || models.IsCachedArtifact(handle);
        var provenance = PolicyEvaluation.CheckpointProvenance(builtIn ? "baseline" : "policy", handle, recipe.Name, command.Seed,
            verified ? Aggregates.Verified : Aggregates.Community);
        using var policy = TorchPolicy.Open(handle, compute, name, recipe.GenerationBatch);
        return await evaluation.ScoreAsync(policy, FarmEvalSet.Load(), name, DecodingOptions.Evaluation(command.Seed), recipe.GenerationBatch,
            provenance, command.Annotators, command.Replace, command.Progress, cancellationToken);
    }

    private static ArtifactHandle OpenHandle(string folder)
    {
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"--policy {folder}: neither 'sft' nor a policy checkpoint folder");
        var manifest = Checkpoint.ReadManifest(folder);
        return ArtifactHandle.ForFolder(ArtifactKind.Policy, folder, manifest.CodeVersion);
    }
}
