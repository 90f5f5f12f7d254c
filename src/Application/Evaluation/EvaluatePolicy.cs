using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using AlpacaFarm.Abstractions.Artifacts;
using AlpacaFarm.Abstractions.Policies;
using AlpacaFarm.Application.Training;
using AlpacaFarm.Evaluation.Outputs;
using AlpacaFarm.Leaderboard;
using AlpacaFarm.Modeling.Checkpoints;
using AlpacaFarm.Modeling.Policies;
using AlpacaFarm.Runner.Configuration;
using AlpacaFarm.Runner.Evaluation;
using AlpacaFarm.Runner.Farm;
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
    IProgress<TrainingStage>? Progress = null,
    Action<int, int>? AnnotationProgress = null) : ICommand<PolicyEvaluationReport>;

public sealed record PolicyEvaluationReport(EvaluationReport Evaluation, string OutputsFile, DecodingOptions Decoding);

public sealed class EvaluatePolicyHandler(FarmModels models, SubmissionScorer scorer, AlpacaFarmHome home) : ICommandHandler<EvaluatePolicy, PolicyEvaluationReport>
{
    public async ValueTask<PolicyEvaluationReport> Handle(EvaluatePolicy command, CancellationToken cancellationToken)
    {
        var recipe = FarmRecipe.Get(command.Recipe);
        var compute = Compute.Cpu(command.Threads);
        var builtIn = command.Policy == "sft";
        // Everything is checked before training or generating: a folder first, then the name.
        var folder = builtIn ? null : OpenHandle(command.Policy);
        var name = SubmissionScorer.ChooseName(command.Name,
            [builtIn ? $"farm-sft-{recipe.Name}" : Path.GetFileName(Path.TrimEndingDirectorySeparator(folder!.Path))]);
        var handle = folder ?? models.Sft(recipe, command.Seed, compute, command.Progress, cancellationToken).Handle;
        // Verified only when the platform made the weights: its own SFT, or a policy folder of this home's artifact cache.
        var verified = builtIn || models.IsCachedArtifact(handle);

        var set = SubmissionScorer.LoadSet("farm");
        var decoding = DecodingOptions.Evaluation(command.Seed);
        using var policy = TorchPolicy.Open(handle, compute, name, recipe.GenerationBatch);
        var texts = FarmModels.Generate(policy, [.. set.Items.Select(item => item.Instruction)], decoding, recipe.GenerationBatch,
            FarmModels.Stage(command.Progress, "generating on eval-805"),
            cancellationToken);
        var outputs = set.Items.Select((item, i) => new ModelOutput(item.Instruction, texts[i], name, item.Dataset)).ToList();
        var file = WriteOutputs(name, outputs);

        var provenance = new SubmissionProvenance(builtIn ? "baseline" : "policy", null, null, null, handle.ContentSha256,
            new Dictionary<string, string> { ["recipe"] = recipe.Name, ["policy"] = handle.Path, ["policy_code_version"] = handle.CodeVersion },
            Decoding(decoding), command.Seed, null, verified ? Aggregates.Verified : Aggregates.Community);
        var report = await scorer.ScoreAsync(set, new AlignedOutputs(outputs, []), command.Annotators, name, command.Seed, command.Replace,
            provenance, command.AnnotationProgress, cancellationToken);
        return new PolicyEvaluationReport(report, file, decoding);
    }

    private static ArtifactHandle OpenHandle(string folder)
    {
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"--policy {folder}: neither 'sft' nor a policy checkpoint folder");
        var manifest = Checkpoint.ReadManifest(folder);
        return ArtifactHandle.ForFolder(ArtifactKind.Policy, folder, manifest.CodeVersion);
    }

    private string WriteOutputs(string name, IReadOnlyList<ModelOutput> outputs)
    {
        var folder = Path.Combine(home.Path, "outputs");
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, name + ".json");
        File.WriteAllText(path, JsonSerializer.Serialize(
            outputs.Select(output => new { instruction = output.Instruction, output = output.Output, generator = output.Generator, dataset = output.Dataset }),
            new JsonSerializerOptions { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
        return path;
    }

    private static Dictionary<string, string> Decoding(DecodingOptions decoding) => new()
    {
        ["temperature"] = decoding.Temperature.ToString(CultureInfo.InvariantCulture),
        ["top_p"] = decoding.TopP.ToString(CultureInfo.InvariantCulture),
        ["max_new_tokens"] = decoding.MaxNewTokens.ToString(CultureInfo.InvariantCulture),
        ["seed"] = decoding.Seed.ToString(CultureInfo.InvariantCulture),
    };
}
