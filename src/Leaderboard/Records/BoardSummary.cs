namespace AlpacaFarm.Leaderboard;

public sealed record BoardSummary(BoardIdentity Identity, int Submissions);
