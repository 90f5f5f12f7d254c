using System.Text.Json;
using System.Text.RegularExpressions;
using AlpacaFarm.Judges.Prompts;
using OpenAI.Chat;

namespace AlpacaFarm.Judges.Parsing;

/// <summary>Turns a judge's answer into one preference per pair (1 = first shown, 2 = second), or null when it does not parse.</summary>
public static partial class AnswerParser
{
    public static readonly IReadOnlyList<string> Names = ["regex", "json", "logprob"];

    /// <summary>Null when the answer does not give exactly one verdict for each of <paramref name="count"/> pairs.</summary>
    public static double[]? Parse(string parser, string text, IReadOnlyList<ChatTokenLogProbabilityDetails>? logprobs, int count) => parser switch
    {
        "regex" => Complete(PairAnswer().Matches(text).Select(match => (int.Parse(match.Groups[1].Value), Letter(match.Groups[2].Value))), count),
        "json" => Json(text, count),
        "logprob" when count == 1 => Logprob(text, logprobs) is { } preference ? [preference] : null,
        _ => null,
    };

    private static double[]? Json(string text, int count)
    {
        var (start, end) = (text.IndexOf('['), text.LastIndexOf(']'));
        if (start < 0 || end < start) return null;
        try
        {
            using var document = JsonDocument.Parse(text[start..(end + 1)]);
            return Complete(document.RootElement.EnumerateArray().Select(item =>
                (item.GetProperty("pair").GetInt32(), Letter(item.GetProperty("better").GetString() ?? ""))), count);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException or FormatException)
        {
            return null;
        }
    }

    // 2 − P(m), P(m) renormalised over the two letters among the first token's top log-probabilities; the text itself when absent.
    private static double? Logprob(string text, IReadOnlyList<ChatTokenLogProbabilityDetails>? logprobs)
    {
        if (logprobs is { Count: > 0 } && logprobs[0].TopLogProbabilities is { Count: > 0 } top)
        {
            var m = top.Where(t => t.Token.Trim() == "m").Select(t => Math.Exp(t.LogProbability)).DefaultIfEmpty(0).Max();
            var capital = top.Where(t => t.Token.Trim() == "M").Select(t => Math.Exp(t.LogProbability)).DefaultIfEmpty(0).Max();
            if (m + capital > 0) return 2 - m / (m + capital);
        }
        return text.Trim() switch
        {
            "m" => 1,
            "M" => 2,
            _ => null,
        };
    }

    private static double[]? Complete(IEnumerable<(int Pair, double? Preference)> answers, int count)
    {
        var result = new double[count];
        var seen = new bool[count];
        foreach (var (pair, preference) in answers)
        {
            if (pair < 1 || pair > count || seen[pair - 1] || preference is null) return null;
            seen[pair - 1] = true;
            result[pair - 1] = preference.Value;
        }
        return seen.All(s => s) ? result : null;
    }

    private static double? Letter(string letter) => letter.Trim().ToUpperInvariant() switch
    {
        "A" => 1,
        "B" => 2,
        _ => null,
    };

    [GeneratedRegex(@"Pair\s*(\d+)\s*:\s*\(?\s*([AB])\b", RegexOptions.IgnoreCase)]
    private static partial Regex PairAnswer();
}
