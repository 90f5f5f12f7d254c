using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace AlpacaFarm.Evaluation.Annotators.Offline;

/// <summary>The features of one output that the offline judges weigh, in a fixed order (see <see cref="Names"/>).</summary>
/// <remarks>
/// Every feature is a pure function of (instruction, output): no randomness, no culture-dependent parsing, no
/// process-randomised hashing. Counts are log-scaled or capped so that no single feature can be gamed by volume.
/// </remarks>
public static partial class TextFeatures
{
    /// <summary>Feature names, in the order of the vectors <see cref="Compute(InstructionFeatures, string)"/> returns.</summary>
    public static readonly IReadOnlyList<string> Names =
    [
        "length",         // ln(1 + code points / 100): more is better with diminishing returns
        "saturation",     // 1 − exp(−code points / 400): goes flat beyond ~1,200 code points
        "lists",          // ln(1 + list items), items capped at 20
        "paragraphs",     // ln(1 + paragraphs), capped at 12
        "code",           // 1 when the instruction asks for code and the output has a code block or code-looking lines; 0 when not asked
        "coverage",       // fraction of the instruction's content words (stem match) that the output uses
        "repetition",     // share of the output's word 4-grams and lines that repeat earlier ones
        "refusal",        // 1 for "I cannot / as an AI / I'm unable ..." near the start
        "apology",        // 1 for "I'm sorry / I apologize" anywhere
        "truncated",      // 1 when the output stops mid-sentence or leaves a code block open
        "wrong_language", // 1 when the output is not in the instruction's language (script, or stopwords for Latin scripts)
        "restates",       // 1 when the output copies the instruction (or its first sentence) verbatim
        "brevity_asked",  // length feature again, but only where the instruction asks for something short (else 0)
        "empty",          // 1 for an output with no letter or digit
        "echo",           // share of the output's first sentence's word 3-grams taken from the instruction ("Yes, here are some tips on how to ...")
        "filler_opener",  // 1 when the output opens with "Sure", "Yes,", "Certainly", "Of course", "Great question" ...
        "factoid_length", // length feature again, but only for a short question (under 15 words, ends in '?') (else 0)
        "diversity",      // distinct words / words over the first 300 words (low for padded, circular text)
    ];

    /// <summary>Index of each feature in <see cref="Names"/>.</summary>
    public const int Length = 0, Saturation = 1, Lists = 2, Paragraphs = 3, Code = 4, Coverage = 5, Repetition = 6, Refusal = 7,
        Apology = 8, Truncated = 9, WrongLanguage = 10, Restates = 11, BrevityAsked = 12, Empty = 13,
        Echo = 14, FillerOpener = 15, FactoidLength = 16, Diversity = 17;

    public static int Count => Names.Count;

    /// <summary>Changes whenever a feature's definition changes: part of every offline judge's configuration hash.</summary>
    public const string Version = "text-features/v1";

    /// <summary>What the features of an output need to know about its instruction, computed once per instruction.</summary>
    public sealed record InstructionFeatures(
        string Normalized,
        IReadOnlySet<string> ContentStems,
        bool AsksForCode,
        bool AsksForBrevity,
        bool ShortQuestion,
        IReadOnlySet<string> Trigrams,
        string? Language);

    public static InstructionFeatures ForInstruction(string instruction)
    {
        var words = Words(instruction);
        var stems = words.Where(word => word.Length >= 3 && !EnglishStopwords.Contains(word)).Select(Stem).ToHashSet(StringComparer.Ordinal);
        var lower = instruction.ToLowerInvariant();
        var asksForCode = CodeRequest().IsMatch(lower) || instruction.Contains("```", StringComparison.Ordinal);
        var asksForBrevity = BrevityRequest().IsMatch(lower);
        // "Translate ... into French" or "answer in Spanish": the expected language is not the instruction's.
        var language = LanguageRequest().IsMatch(lower) ? null : DetectLanguage(instruction, words);
        var shortQuestion = words.Count < 15 && instruction.TrimEnd().EndsWith('?');
        return new InstructionFeatures(Normalize(instruction), stems, asksForCode, asksForBrevity, shortQuestion, Trigrams(words), language);
    }

    /// <summary>The feature vector of one output.</summary>
    public static double[] Compute(string instruction, string output) => Compute(ForInstruction(instruction), output);

    /// <summary>The feature vector of one output, given its instruction's features.</summary>
    public static double[] Compute(InstructionFeatures instruction, string output)
    {
        var f = new double[Count];
        var length = output.EnumerateRunes().Count();
        f[Length] = Math.Log(1 + length / 100.0);
        f[Saturation] = 1 - Math.Exp(-length / 400.0);
        var lines = output.Split('\n');
        f[Lists] = Math.Log(1 + Math.Min(20, lines.Count(line => ListItem().IsMatch(line))));
        f[Paragraphs] = Math.Log(1 + Math.Min(12, ParagraphBreak().Split(output.Trim()).Count(p => p.Trim().Length > 0)));
        f[Code] = instruction.AsksForCode && HasCode(output, lines) ? 1 : 0;
        var words = Words(output);
        if (instruction.ContentStems.Count > 0)
        {
            var used = words.Select(Stem).ToHashSet(StringComparer.Ordinal);
            f[Coverage] = instruction.ContentStems.Count(used.Contains) / (double)instruction.ContentStems.Count;
        }
        f[Repetition] = RepetitionShare(words, lines);
        var head = output.Length > 300 ? output[..300] : output;
        f[Refusal] = RefusalPhrase().IsMatch(head) ? 1 : 0;
        f[Apology] = ApologyPhrase().IsMatch(output) ? 1 : 0;
        f[Truncated] = IsTruncated(output, lines) ? 1 : 0;
        if (instruction.Language is { } expected && DetectLanguage(output, words) is { } actual && actual != expected) f[WrongLanguage] = 1;
        f[Restates] = CopiesInstruction(instruction.Normalized, output) ? 1 : 0;
        f[BrevityAsked] = instruction.AsksForBrevity ? f[Length] : 0;
        f[Empty] = words.Count == 0 ? 1 : 0;
        var firstSentence = Words(SentenceEnd().Split(output.TrimStart(), 2)[0]);
        var opening = Trigrams(firstSentence);
        f[Echo] = opening.Count == 0 ? 0 : opening.Count(instruction.Trigrams.Contains) / (double)opening.Count;
        f[FillerOpener] = FillerOpening().IsMatch(output) ? 1 : 0;
        f[FactoidLength] = instruction.ShortQuestion ? f[Length] : 0;
        var sample = words.Take(300).ToList();
        f[Diversity] = sample.Count < 20 ? 1 : sample.Distinct(StringComparer.Ordinal).Count() / (double)sample.Count;
        return f;
    }

    /// <summary>Lower-cased words: runs of letters (with inner apostrophes) or digits.</summary>
    public static List<string> Words(string text)
    {
        var words = new List<string>();
        foreach (Match match in Word().Matches(text)) words.Add(match.Value.ToLowerInvariant());
        return words;
    }

    private static HashSet<string> Trigrams(List<string> words)
    {
        var grams = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i + 3 <= words.Count; i++) grams.Add(string.Join(' ', words[i], words[i + 1], words[i + 2]));
        return grams;
    }

    // A crude suffix-stripping stem, enough to match "write"/"writing", "name"/"names".
    private static string Stem(string word)
    {
        foreach (var suffix in (ReadOnlySpan<string>)["ing", "ed", "es", "s", "ly", "e"])
        {
            if (word.Length - suffix.Length >= 3 && word.EndsWith(suffix, StringComparison.Ordinal)) return word[..^suffix.Length];
        }
        return word;
    }

    private static bool HasCode(string output, string[] lines) =>
        output.Contains("```", StringComparison.Ordinal)
        || lines.Count(line => CodeLine().IsMatch(line)) >= 2;

    private static double RepetitionShare(List<string> words, string[] lines)
    {
        double grams = 0;
        if (words.Count >= 8)
        {
            var ids = new Dictionary<string, int>(StringComparer.Ordinal);
            var seen = new HashSet<(int, int, int, int)>();
            var codes = words.Select(word => ids.TryGetValue(word, out var id) ? id : ids[word] = ids.Count).ToArray();
            var repeated = 0;
            for (var i = 0; i + 4 <= codes.Length; i++)
            {
                if (!seen.Add((codes[i], codes[i + 1], codes[i + 2], codes[i + 3]))) repeated++;
            }
            grams = repeated / (double)(codes.Length - 3);
        }
        var longLines = lines.Select(line => line.Trim()).Where(line => line.Length >= 20).ToList();
        var duplicateLines = longLines.Count == 0 ? 0 : (longLines.Count - longLines.Distinct(StringComparer.Ordinal).Count()) / (double)longLines.Count;
        return Math.Max(grams, duplicateLines);
    }

    private static bool IsTruncated(string output, string[] lines)
    {
        if (CodeFence().Count(output) % 2 == 1) return true;
        var trimmed = output.TrimEnd();
        if (trimmed.Length < 120) return false;
        var last = lines.Select(line => line.Trim()).LastOrDefault(line => line.Length > 0) ?? "";
        if (ListItem().IsMatch(last) || last.StartsWith('#') || last.StartsWith('|')) return false;
        var lastToken = trimmed[(trimmed.LastIndexOfAny([' ', '\n']) + 1)..];
        if (lastToken.StartsWith('#') || lastToken.StartsWith('@') || lastToken.Contains("://", StringComparison.Ordinal)) return false;
        var end = trimmed[^1];
        if (end is ',' or ':' or ';' or '-' or '(' or '&') return true;
        // A long last line that ends in a letter or digit has been cut off (a title or a bare list would be short).
        return last.Length >= 60 && char.IsLetterOrDigit(end) && last.Count(c => c == ' ') >= 8;
    }

    private static bool CopiesInstruction(string instruction, string output)
    {
        if (instruction.Length < 30) return false;
        var text = Normalize(output);
        if (text.Contains(instruction, StringComparison.Ordinal)) return true;
        var firstSentence = instruction.IndexOfAny(['.', '?', '!', ':']) is var stop and >= 30 ? instruction[..stop] : instruction;
        return firstSentence.Length >= 30 && text.StartsWith(firstSentence, StringComparison.Ordinal);
    }

    private static string Normalize(string text)
    {
        var builder = new StringBuilder(text.Length);
        var space = false;
        foreach (var c in text.Trim())
        {
            if (char.IsWhiteSpace(c))
            {
                space = true;
                continue;
            }
            if (space && builder.Length > 0) builder.Append(' ');
            space = false;
            builder.Append(char.ToLowerInvariant(c));
        }
        return builder.ToString();
    }

    /// <summary>"latin:en", "latin:es", ..., "cjk", "cyrillic", ...; null when there is too little text to tell.</summary>
    public static string? DetectLanguage(string text, List<string> words)
    {
        int latin = 0, cjk = 0, cyrillic = 0, arabic = 0, other = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            if (!Rune.IsLetter(rune)) continue;
            var v = rune.Value;
            if (v < 0x250 || (v >= 0x1E00 && v < 0x1F00)) latin++;
            else if (v is >= 0x400 and < 0x530) cyrillic++;
            else if (v is >= 0x600 and < 0x700) arabic++;
            else if (v is (>= 0x3040 and < 0x30FF) or (>= 0x4E00 and < 0xA000) or (>= 0xAC00 and < 0xD7B0)) cjk++;
            else other++;
        }
        var total = latin + cjk + cyrillic + arabic + other;
        if (total < 12) return null;
        // CJK letters carry a word each: weigh them up so that a Chinese answer with English terms still reads Chinese.
        var scores = new (string Script, double Count)[] { ("latin", latin), ("cjk", cjk * 3.0), ("cyrillic", cyrillic), ("arabic", arabic), ("other", other) };
        var script = scores.MaxBy(score => score.Count).Script;
        if (script != "latin") return script;
        var best = (Language: (string?)null, Hits: 0);
        var english = 0;
        var distinct = words.Where(word => word.Length > 1).ToHashSet(StringComparer.Ordinal);
        foreach (var (language, stopwords) in LatinStopwords)
        {
            // Distinct stopwords of two letters or more: one word said often, or an "a" shared by four languages, proves nothing.
            var hits = distinct.Count(stopwords.Contains);
            if (language == "en") english = hits;
            if (hits > best.Hits) best = (language, hits);
        }
        if (best.Language is null || best.Hits < 3) return null;
        // Only a clear winner counts: code, names and short mixed texts stay undecided.
        return best.Language == "en" || best.Hits >= 2 * english + 3 ? "latin:" + best.Language : null;
    }

    private static readonly HashSet<string> EnglishStopwords = new(
        ("the a an and or but if of to in on at by for with from as is are was were be been being it its this that these those " +
         "i you he she we they me my your our their his her them us what which who whom whose when where why how can could " +
         "would should will shall may might must do does did done have has had not no yes so than then there here about into " +
         "over under also just more most some any all each other such only very too own same both few please give write " +
         "tell make list explain describe provide create using use following below one two").Split(' '), StringComparer.Ordinal);

    private static readonly (string Language, HashSet<string> Stopwords)[] LatinStopwords =
    [
        ("en", Set("the and of to is in that it for you with are this on be what how can")),
        ("es", Set("el la los las de que y en un una es por para con del se como qué cómo")),
        ("fr", Set("le la les de des et est un une que en du pour dans qui pas sur au avec ce")),
        ("de", Set("der die das und ist ein eine nicht zu mit den von auf für sich dem ich wie")),
        ("it", Set("il lo la gli le di che e è un una per con non del della sono come")),
        ("pt", Set("o a os as de que e é um uma para com não do da em no na como você")),
    ];

    private static HashSet<string> Set(string words) => new(words.Split(' '), StringComparer.Ordinal);

    [GeneratedRegex(@"\p{L}[\p{L}\p{Mn}'’]*|\p{Nd}+", RegexOptions.CultureInvariant)]
    private static partial Regex Word();

    [GeneratedRegex(@"^\s*([-*•+]|\d{1,2}[.)]|[a-zA-Z][.)])\s+\S", RegexOptions.CultureInvariant)]
    private static partial Regex ListItem();

    [GeneratedRegex(@"(?<=[.!?:])\s|\n", RegexOptions.CultureInvariant)]
    private static partial Regex SentenceEnd();

    [GeneratedRegex(@"^\s*(sure|yes|certainly|of course|absolutely|great question|good question|okay|ok|here is|here are|here's)\b", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex FillerOpening();

    [GeneratedRegex(@"\n\s*\n", RegexOptions.CultureInvariant)]
    private static partial Regex ParagraphBreak();

    [GeneratedRegex(@"```", RegexOptions.CultureInvariant)]
    private static partial Regex CodeFence();

    [GeneratedRegex(@"^(\s{4,}|\t).*\S|[;{}]\s*$|^\s*(def|class|function|import|return|for|while|if|SELECT|var|let|const|public|int|print)\b.*[(:=]",
        RegexOptions.CultureInvariant)]
    private static partial Regex CodeLine();

    [GeneratedRegex(@"\b(code|function|program|script|python|javascript|typescript|java|c\+\+|c#|golang|rust|sql|query|regex|regular expression|html|css|latex|bash|shell|implement|algorithm|class|method|api|json)\b",
        RegexOptions.CultureInvariant)]
    private static partial Regex CodeRequest();

    [GeneratedRegex(@"\b(one word|single word|one sentence|a sentence|in \w+ words|briefly|brief|short|concise|succinct|tl;?dr|yes or no|one-word|few words|summar)",
        RegexOptions.CultureInvariant)]
    private static partial Regex BrevityRequest();

    [GeneratedRegex(@"translat|\b(in|into|to) (english|spanish|french|german|italian|portuguese|chinese|japanese|korean|russian|arabic|hindi|dutch|latin|greek)\b|\b(english|spanish|french|german|italian|portuguese|chinese|japanese|korean|russian|arabic)\b",
        RegexOptions.CultureInvariant)]
    private static partial Regex LanguageRequest();

    [GeneratedRegex(@"\b(as an ai|as a language model|as an artificial intelligence|i('| a)m (not able|unable)|i am (not able|unable)|i can(no|')t (provide|help|answer|assist|do|fulfill|comply|create|write|give|generate)|i cannot|i do not have (access|the ability|personal)|i don('|’)t have (access|the ability|personal)|it is not (possible|appropriate) for me|i('|’)m not (programmed|capable))",
        RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex RefusalPhrase();

    [GeneratedRegex(@"\b(i('|’)m sorry|i am sorry|i apologi[sz]e|my apologies|sorry, (but )?i)\b", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex ApologyPhrase();

    /// <summary>Used by tests and the judge's description.</summary>
    public static string Describe(double[] features) =>
        string.Join(", ", Names.Select((name, i) => $"{name}={features[i].ToString("0.###", CultureInfo.InvariantCulture)}"));
}
