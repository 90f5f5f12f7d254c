namespace AlpacaFarm.Leaderboard;

internal sealed class CacheRow
{
    public string KeySha256 { get; init; } = "";
    public double Preference { get; init; }
    public double? Price { get; init; }
    public double? TimeSeconds { get; init; }

    public CachedAnnotation ToRecord() => new(Preference, Real.Read(Price), Real.Read(TimeSeconds));
}
