namespace AlpacaFarm.Leaderboard;

/// <summary>
/// Where a submission came from, enough to reproduce it. <see cref="Kind"/> is one of <see cref="Kinds"/>;
/// <see cref="Mode"/>, AlpacaEval's word for how far the result is trusted, one of <see cref="Modes"/>.
/// </summary>
/// <param name="Run">For a method run: the run key, recipe, the SFT, preference-data and reward-model hashes, labels used,
/// the method's and the evaluation's wall time, and the candidates' own decoding of an inference-time method.</param>
public sealed record SubmissionProvenance(
    string Kind,
    string? PluginId,
    string? PluginVersion,
    string? PluginSha256,
    string? FileSha256,
    IReadOnlyDictionary<string, string> Hyperparameters,
    IReadOnlyDictionary<string, string> Decoding,
    long Seed,
    string? World,
    string Mode,
    string? MethodId = null,
    string? MethodVersion = null,
    IReadOnlyDictionary<string, string>? Run = null)
{
    public static IReadOnlyList<string> Kinds { get; } = ["method", "outputs", "annotations", "baseline", "policy"];

    public static IReadOnlyList<string> Modes { get; } = ["minimal", "verified", "community"];
}
