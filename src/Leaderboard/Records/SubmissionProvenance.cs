namespace AlpacaFarm.Leaderboard;

/// <summary>
/// Where a submission came from, enough to reproduce it. <see cref="Kind"/> is one of <see cref="Kinds"/>;
/// <see cref="Mode"/>, AlpacaEval's word for how far the result is trusted, one of <see cref="Modes"/>.
/// </summary>
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
    string Mode)
{
    public static IReadOnlyList<string> Kinds { get; } = ["method", "outputs", "annotations", "baseline", "policy"];

    public static IReadOnlyList<string> Modes { get; } = ["minimal", "verified", "community"];
}
