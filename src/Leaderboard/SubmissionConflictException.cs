namespace AlpacaFarm.Leaderboard;

/// <summary>A board already holds a submission of that name with other content or another seed.</summary>
public sealed class SubmissionConflictException(string boardId, string name, string storedSha256, long storedSeed, string newSha256, long newSeed)
    : Exception($"Board {boardId} already has a submission named '{name}' (content {storedSha256}, seed {storedSeed}); " +
                $"the new one differs (content {newSha256}, seed {newSeed}). Use --replace to overwrite it, or choose another name.")
{
    public string BoardId { get; } = boardId;

    public string Name { get; } = name;
}
