namespace AlpacaFarm.Leaderboard;

public enum RankingOrder
{
    WinRate,

    /// <summary>By length-controlled win rate; submissions without one come last.</summary>
    LengthControlled,
}
