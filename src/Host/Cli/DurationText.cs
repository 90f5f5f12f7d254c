using System.Globalization;
using System.Text.RegularExpressions;

namespace AlpacaFarm.Host.Cli;

/// <summary>Durations as people type them: "90s", "30m", "2h", "1.5h", or hh:mm:ss.</summary>
public static partial class DurationText
{
    /// <summary>The duration, or null when <paramref name="text"/> is not one.</summary>
    public static TimeSpan? Parse(string text)
    {
        if (Unit().Match(text.Trim()) is { Success: true } match)
        {
            var amount = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
            return match.Groups[2].Value switch
            {
                "s" => TimeSpan.FromSeconds(amount),
                "m" or "min" => TimeSpan.FromMinutes(amount),
                _ => TimeSpan.FromHours(amount),
            };
        }
        return TimeSpan.TryParseExact(text.Trim(), @"hh\:mm\:ss", CultureInfo.InvariantCulture, out var span) ? span : null;
    }

    [GeneratedRegex(@"^([0-9]+(?:\.[0-9]+)?)(s|m|min|h)$")]
    private static partial Regex Unit();
}
