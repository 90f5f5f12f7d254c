using System.Diagnostics;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using AlpacaFarm.Abstractions.Artifacts;
using AlpacaFarm.Abstractions.Policies;
using AlpacaFarm.Evaluation.Outputs;
using AlpacaFarm.Evaluation.Sets;
using AlpacaFarm.Leaderboard;
using AlpacaFarm.Runner.Configuration;
using AlpacaFarm.Runner.Farm;
using AlpacaFarm.Simulation;

namespace AlpacaFarm.Runner.Evaluation;

/// <summary>What scoring a policy produced: the row's report, the outputs file, and how long generating and judging took.</summary>
public sealed record PolicyEvaluationResult(EvaluationReport Report, string OutputsFile, DecodingOptions Decoding, TimeSpan Wall);

/// <summary>
/// Scores a policy on a farm set: it generates every item's output with the given decoding (AlpacaFarm's evaluation
/// decoding, temperature 0.7, top-p 0.9), writes them in AlpacaEval's format under the home's outputs/, and stores the row.
/// </summary>
public sealed class PolicyEvaluation(SubmissionScorer scorer, AlpacaFarmHome home)
{
    /// <param name="annotators">A pool name or file; null for the set's default (the farm pool).</param>
    public async Task<PolicyEvaluationResult> ScoreAsync(IPolicy policy, IEvaluationSet set, string name, DecodingOptions decoding, int batch,
        SubmissionProvenance provenance, string? annotators, bool replace, IProgress<TrainingStage>? progress, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var texts = FarmModels.Generate(policy, [.. set.Items.Select(item => item.Instruction)], decoding, batch,
            FarmModels.Stage(progress, $"generating on {set.Name}"), cancellationToken);
        var outputs = set.Items.Select((item, i) => new ModelOutput(item.Instruction, texts[i], name, item.Dataset)).ToList();
        var file = WriteOutputs(set, name, outputs);
        var report = await scorer.ScoreAsync(set, new AlignedOutputs(outputs, []), annotators, name, decoding.Seed, replace,
            provenance with { Decoding = Describe(decoding) }, null, cancellationToken);
        return new PolicyEvaluationResult(report, file, decoding, clock.Elapsed);
    }

    /// <summary>The set a run's --eval-split names: the fixed eval-805, or the validation split of the recipe's sizes.</summary>
    public static IEvaluationSet SetFor(string split, FarmSplitSizes sizes) =>
        split == "validation" ? FarmValidationSet.Create(sizes) : FarmEvalSet.Load();

    /// <summary>Provenance of a row scored from a policy checkpoint: the SFT baseline or a policy folder.</summary>
    /// <param name="kind">"baseline" or "policy".</param>
    public static SubmissionProvenance CheckpointProvenance(string kind, ArtifactHandle policy, string recipe, long seed, string mode,
        IReadOnlyDictionary<string, string>? run = null) => new(
        kind, null, null, null, policy.ContentSha256,
        new Dictionary<string, string> { ["recipe"] = recipe, ["policy"] = policy.Path, ["policy_code_version"] = policy.CodeVersion },
        new Dictionary<string, string>(), seed, null, mode, Run: run);

    /// <summary>Decoding options as provenance records them.</summary>
    public static Dictionary<string, string> Describe(DecodingOptions decoding) => new()
    {
        ["temperature"] = decoding.Temperature.ToString(CultureInfo.InvariantCulture),
        ["top_p"] = decoding.TopP.ToString(CultureInfo.InvariantCulture),
        ["max_new_tokens"] = decoding.MaxNewTokens.ToString(CultureInfo.InvariantCulture),
        ["seed"] = decoding.Seed.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>
    /// Where the outputs of row <paramref name="name"/> on a set are written: eval-805's keep their old place
    /// (outputs/NAME.json), other sets get a folder of their own (outputs/SET/NAME.json).
    /// </summary>
    public static string OutputsFile(string home, string evaluationSetId, string name) => evaluationSetId == FarmEvalSet.SetId
        ? Path.Combine(home, HomeLayout.Outputs, name + ".json")
        : Path.Combine(home, HomeLayout.Outputs, evaluationSetId, name + ".json");

    private string WriteOutputs(IEvaluationSet set, string name, IReadOnlyList<ModelOutput> outputs)
    {
        var path = OutputsFile(home.Path, set.Id, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, JsonSerializer.Serialize(
            outputs.Select(output => new { instruction = output.Instruction, output = output.Output, generator = output.Generator, dataset = output.Dataset }),
            new JsonSerializerOptions { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
        return path;
    }
}
