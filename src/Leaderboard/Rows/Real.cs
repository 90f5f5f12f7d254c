namespace AlpacaFarm.Leaderboard;

/// <summary>SQLite has no NaN (it binds one as NULL anyway): NaN is written as NULL and read back as NaN.</summary>
internal static class Real
{
    public static double? Write(double value) => double.IsNaN(value) ? null : value;

    public static double? Write(double? value) => value is { } v ? Write(v) : null;

    public static double Read(double? value) => value ?? double.NaN;
}
