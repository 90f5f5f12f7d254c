namespace AlpacaFarm.Leaderboard;

internal sealed class BoardRow
{
    public string EvaluationSetId { get; init; } = "";
    public string EvaluationSetSha256 { get; init; } = "";
    public string ReferenceSha256 { get; init; } = "";
    public string PoolHash { get; init; } = "";
    public string EvaluationSetName { get; init; } = "";
    public string ReferenceName { get; init; } = "";
    public string PoolName { get; init; } = "";
    public int Submissions { get; init; }

    public BoardSummary ToRecord() => new(
        new BoardIdentity(EvaluationSetId, EvaluationSetSha256, ReferenceSha256, PoolHash, EvaluationSetName, ReferenceName, PoolName),
        Submissions);
}
