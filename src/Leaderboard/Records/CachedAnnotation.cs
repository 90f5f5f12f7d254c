namespace AlpacaFarm.Leaderboard;

/// <summary>A real preference (never a failure) with what it cost when first computed.</summary>
public sealed record CachedAnnotation(double Preference, double Price, double TimeSeconds);
