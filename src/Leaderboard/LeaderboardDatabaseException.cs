namespace AlpacaFarm.Leaderboard;

/// <summary>The leaderboard file cannot be used as it is: not ours, too new, damaged or locked; the message names the file.</summary>
public sealed class LeaderboardDatabaseException(string message, Exception? inner = null) : InvalidOperationException(message, inner);
