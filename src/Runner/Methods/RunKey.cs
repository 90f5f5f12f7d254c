using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using AlpacaFarm.Abstractions.Artifacts;
using AlpacaFarm.Abstractions.Compute;

namespace AlpacaFarm.Runner.Methods;

/// <summary>
/// What identifies a method run: a hash of everything that shapes it. Its work directory is runs/&lt;key&gt;/ under the home,
/// so a later resume finds it, and a key whose row is stored is not run again.
/// </summary>
public static class RunKey
{
    /// <summary>Lowercase hex SHA-256 of the canonical JSON of the run's inputs (fields in a fixed order, hyperparameters sorted).</summary>
    public static string For(PlannedMethod method, long seed, string recipeJson, ArtifactHandle sft, ArtifactHandle pairs, ArtifactHandle rewardModel,
        int labelBudget, string evalSplit, ComputeResources compute) => Sha256(JsonSerializer.Serialize(new
    {
        method = method.Id,
        method_version = method.Descriptor.Version,
        plugin_sha256 = method.PluginSha256,
        sdk_sha256 = SdkSha256.Value,
        hyperparameters = new SortedDictionary<string, string>(method.Hyperparameters.ToDictionary(), StringComparer.Ordinal),
        seed,
        recipe = recipeJson,
        sft = sft.ContentSha256,
        pairs = pairs.ContentSha256,
        reward_model = rewardModel.ContentSha256,
        label_budget = labelBudget,
        eval_split = evalSplit,
        compute = compute.ResultKey,
    }));

    /// <summary>
    /// The key of a submitted run: the in-process key of the same inputs, with the submission's name and sandbox, so that a
    /// built-in method submitted as a folder never finds the in-process run's row, nor one submission another's.
    /// </summary>
    public static string Submitted(string key, Sandbox.SubmittedAs submitted) =>
        Sha256(JsonSerializer.Serialize(new { key, submitted_as = submitted.Name, sandbox = submitted.Sandbox }));

    /// <summary>
    /// The row's name: {method}-{recipe}-s{seed}, plus -bf16 when the models trained in bf16-mixed, plus -h{8 hex} of the
    /// non-default hyperparameters when there are any (the SFT baseline is "sft"). A precision's rows are other policies, so
    /// they are rows of their own beside the fp32 rows of the same seed, not replacements of them.
    /// </summary>
    public static string RowName(string method, string recipe, long seed, IReadOnlyDictionary<string, string> nonDefault, string precision) =>
        $"{method}-{recipe}-s{seed.ToString(CultureInfo.InvariantCulture)}{PrecisionSuffix(precision)}{VariantSuffix(nonDefault)}";

    /// <summary>The SFT baseline's row: sft-{recipe}-s{seed}, plus -bf16 in bf16-mixed.</summary>
    public static string BaselineRowName(string recipe, long seed, string precision) =>
        RowName("sft", recipe, seed, new Dictionary<string, string>(), precision);

    /// <summary>"" for fp32 (the reference number format), "-bf16" for bf16-mixed.</summary>
    private static string PrecisionSuffix(string precision) => precision switch
    {
        ComputeResources.Fp32 => "",
        ComputeResources.Bf16Mixed => "-bf16",
        _ => throw new ArgumentException($"unknown precision '{precision}'", nameof(precision)),
    };

    /// <summary>"-h" and 8 hex digits of the hash of the non-default hyperparameters; empty when there are none.</summary>
    public static string VariantSuffix(IReadOnlyDictionary<string, string> nonDefault)
    {
        if (nonDefault.Count == 0) return "";
        var sorted = new SortedDictionary<string, string>(nonDefault.ToDictionary(), StringComparer.Ordinal);
        return $"-h{Sha256(JsonSerializer.Serialize(sorted))[..8]}";
    }

    /// <summary>
    /// The contract's and the modeling SDK's assemblies as this process loaded them: a method runs their code too, so a
    /// change to either is a new run, as a change to the plugin's own folder is.
    /// </summary>
    private static readonly Lazy<string> SdkSha256 = new(() => Sha256(string.Join(",",
        new[] { typeof(ArtifactHandle).Assembly, typeof(AlpacaFarm.Modeling.Policies.TorchPolicy).Assembly }
            .Select(assembly => AlpacaFarm.Evaluation.Sets.ContentHash.File(assembly.Location)))));

    private static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
