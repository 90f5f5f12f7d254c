namespace AlpacaFarm.Judges.Prompts;

/// <summary>The prompt families a judge can use, and the parser each one's answers need.</summary>
public static class PromptFamilies
{
    /// <summary>Answers "Pair k: A" or "Pair k: B" per pair.</summary>
    public const string Pairwise = "pairwise";

    /// <summary>Answers a JSON array of {"pair": k, "better": "A"|"B"}.</summary>
    public const string PairwiseJson = "pairwise-json";

    /// <summary>One pair, one token: "m" or "M"; the preference is 2 − P(m) from the token's log-probabilities.</summary>
    public const string Logprob = "logprob";

    public static IReadOnlyDictionary<string, string> ParserOf { get; } = new Dictionary<string, string>
    {
        [Pairwise] = "regex",
        [PairwiseJson] = "json",
        [Logprob] = "logprob",
    };
}
