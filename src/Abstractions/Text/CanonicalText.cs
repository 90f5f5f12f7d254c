using System.Text;
using System.Text.RegularExpressions;

namespace AlpacaFarm.Abstractions.Text;

/// <summary>
/// The farm world's text rule, shared by the world that writes its texts and the tokenizer that reads them. A token is a
/// newline, a run of letters, a run of digits or one other non-space character. Canonical text joins tokens with one
/// space, except none before <c>. , ; : ! ? )</c> or a newline and none after <c>(</c> or a newline. Every text the world
/// generates is canonical: <c>Detokenize(Tokenize(text)) == text</c>.
/// </summary>
public static partial class CanonicalText
{
    [GeneratedRegex(@"\n|[A-Za-z]+|[0-9]+|[^\sA-Za-z0-9]", RegexOptions.CultureInvariant)]
    private static partial Regex TokenPattern();

    /// <summary>The tokens of <paramref name="text"/>, in order (spaces other than newlines are dropped).</summary>
    public static IReadOnlyList<string> Tokenize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return [.. TokenPattern().Matches(text).Select(match => match.Value)];
    }

    /// <summary>The canonical text of a token sequence.</summary>
    public static string Detokenize(IEnumerable<string> tokens)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        var builder = new StringBuilder();
        string? previous = null;
        foreach (var token in tokens)
        {
            if (previous is not null && NeedsSpace(previous, token)) builder.Append(' ');
            builder.Append(token);
            previous = token;
        }
        return builder.ToString();
    }

    /// <summary>Whether <paramref name="text"/> is canonical.</summary>
    public static bool IsCanonical(string text) => Detokenize(Tokenize(text)) == text;

    /// <summary>Whether <paramref name="text"/> is exactly one token.</summary>
    public static bool IsToken(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var match = TokenPattern().Match(text);
        return match.Success && match.Index == 0 && match.Length == text.Length;
    }

    private static bool NeedsSpace(string previous, string token) =>
        token is not ("." or "," or ";" or ":" or "!" or "?" or ")" or "\n") && previous is not ("(" or "\n");
}
