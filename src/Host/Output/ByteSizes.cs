using System.Globalization;

namespace AlpacaFarm.Host.Output;

/// <summary>Sizes as people read them: binary units (1 KiB = 1024 bytes), as <c>du -h</c> and file managers count.</summary>
public static class ByteSizes
{
    private static readonly string[] Units = ["KiB", "MiB", "GiB", "TiB"];

    /// <summary>"0 B", "812 B", then one decimal in the largest unit that keeps the number at 1 or more: "1.5 KiB", "12.0 MiB".</summary>
    public static string Format(long bytes)
    {
        if (bytes < 1024) return bytes.ToString(CultureInfo.InvariantCulture) + " B";
        var value = (double)bytes;
        var unit = -1;
        while (value >= 1024 && unit < Units.Length - 1)
        {
            value /= 1024;
            unit++;
        }
        // 1023.96 KiB would print as "1024.0 KiB": the next unit says it better.
        if (Math.Round(value, 1) >= 1024 && unit < Units.Length - 1)
        {
            value /= 1024;
            unit++;
        }
        return value.ToString("F1", CultureInfo.InvariantCulture) + " " + Units[unit];
    }

    /// <summary>"512M", "512MiB", "8G", "8GiB", "1024K" or a number of bytes, in binary units; null when not a size.</summary>
    public static long? Parse(string text)
    {
        var trimmed = (text ?? "").Trim();
        var digits = trimmed.TakeWhile(char.IsAsciiDigit).Count();
        if (digits == 0 || !long.TryParse(trimmed[..digits], NumberStyles.None, CultureInfo.InvariantCulture, out var number)) return null;
        int? shift = trimmed[digits..].ToUpperInvariant() switch
        {
            "" or "B" => 0,
            "K" or "KIB" => 10,
            "M" or "MIB" => 20,
            "G" or "GIB" => 30,
            "T" or "TIB" => 40,
            _ => null,
        };
        return shift is { } s && number <= long.MaxValue >> s ? number << s : null;
    }
}
