using System.Globalization;

namespace AlpacaFarm.Runner.Benchmark;

/// <summary>Seeds as people type them: "0,1,2", "0..4" (both ends included), or a mix ("0..2,7").</summary>
public static class SeedList
{
    /// <summary>The most seeds one command takes: each is a fresh draw of the whole pipeline.</summary>
    public const int Most = 100;

    /// <summary>The seeds in the order given; throws one line when the text is not a list of distinct non-negative seeds.</summary>
    public static IReadOnlyList<long> Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var seeds = new List<long>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            var range = part.Split("..");
            if (range.Length == 1 && Seed(part) is { } single) seeds.Add(single);
            else if (range.Length == 2 && Seed(range[0]) is { } first && Seed(range[1]) is { } last && first <= last && last - first < Most)
                for (var seed = first; seed <= last; seed++) seeds.Add(seed);
            else throw new ArgumentException($"--seeds '{text}': '{part}' is not a seed or a range such as 0..4");
        }
        if (seeds.GroupBy(seed => seed).FirstOrDefault(group => group.Count() > 1) is { } twice)
            throw new ArgumentException($"--seeds '{text}' gives seed {twice.Key} twice");
        if (seeds.Count > Most) throw new ArgumentException($"--seeds '{text}' gives {seeds.Count} seeds; at most {Most}");
        return seeds;
    }

    private static long? Seed(string text) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seed) ? seed : null;
}
