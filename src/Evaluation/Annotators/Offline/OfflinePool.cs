using System.Text.Json;
using AlpacaFarm.Evaluation.Outputs;
using F = AlpacaFarm.Evaluation.Annotators.Offline.TextFeatures;

namespace AlpacaFarm.Evaluation.Annotators.Offline;

/// <summary>
/// The "offline" pool: thirteen weighted-feature judges that need no API, each a stand-in for an LLM judge with its
/// own taste, the way AlpacaFarm's simulated pool mixes thirteen annotator prompts. The default pool for real text.
/// </summary>
/// <remarks>
/// <para><b>How the weights were chosen.</b> The core weights of frequent features were fitted by L2-regularised
/// (λ = 0.01) logistic regression, without intercept and on both orders of every pair, to the GPT-4 judgments of
/// <c>alpaca-farm-ppo-human</c> in AlpacaEval's published annotations, draws excluded, then rounded; <c>coverage</c>
/// and <c>diversity</c> came out near zero or negative (they only echo length) and were left out of the core.
/// <c>alpaca-7b</c>'s judgments were held out and only measured. Features that fire on fewer than 15 pairs of that
/// file (refusal, apology, truncation, wrong language, restating, empty, code, and repetition's scale) got hand-set
/// weights, strong enough that the issue's hand-written pairs come out right. The personas then move a few weights
/// from the core by hand; none was tuned on the held-out file. How well it agrees: docs/judges.md and
/// docs/results/2026-11-24-offline-judge-agreement.md.</para>
/// </remarks>
public static class OfflinePool
{
    public const string Name = "offline";

    // Core weights (per unit of each feature; see TextFeatures.Names for the units).
    public const double LengthWeight = 0.04;          // fitted
    public const double SaturationWeight = 0.33;      // fitted
    public const double ListsWeight = 0.51;           // fitted
    public const double ParagraphsWeight = 0.36;      // fitted
    public const double CodeWeight = 0.8;             // hand-set (11 pairs in the tuning file)
    public const double CoverageWeight = 0;           // fitted negative, dropped: it only echoes length
    public const double RepetitionWeight = -2;        // hand-set scale (the fitted one is too weak for a pasted-twice answer)
    public const double RefusalWeight = -2;           // hand-set (1 pair)
    public const double ApologyWeight = -0.6;         // hand-set (5 pairs)
    public const double TruncatedWeight = -1;         // hand-set (7 pairs)
    public const double WrongLanguageWeight = -2;     // hand-set (0 pairs)
    public const double RestatesWeight = -1;          // hand-set (1 pair)
    public const double BrevityAskedWeight = 0.11;    // fitted: GPT-4 still liked the longer answer where brevity was asked
    public const double EmptyWeight = -3;             // hand-set (3 pairs)
    public const double EchoWeight = -0.54;           // fitted
    public const double FillerOpenerWeight = -0.45;   // fitted
    public const double FactoidLengthWeight = 0.32;   // fitted
    public const double DiversityWeight = 0;          // fitted near zero, dropped

    /// <summary>The core judge's weights, in the order of <see cref="TextFeatures.Names"/>.</summary>
    public static IReadOnlyList<double> CoreWeights { get; } = Weights(new Dictionary<int, double>());

    /// <summary>The members: (id, persona, changes to the core weights, first-position bias).</summary>
    private static readonly (string Id, string Persona, Dictionary<int, double> Changes, double Bias)[] Personas =
    [
        ("offline-balanced", "A careful generalist: the core weights as fitted, no special taste.", [], 0),
        ("offline-detail", "A detail-lover: rewards length and thoroughness more, even for short questions.",
            new() { [F.Length] = 0.3, [F.FactoidLength] = 0.5 }, 0),
        ("offline-concise", "A concise-lover: length saturates early and padding an answer where brevity was asked costs.",
            new() { [F.Length] = 0, [F.Saturation] = 0.25, [F.BrevityAsked] = -0.15, [F.FactoidLength] = 0.1 }, 0),
        ("offline-structure", "A structure-lover: lists, steps and paragraphs weigh more.",
            new() { [F.Lists] = 0.8, [F.Paragraphs] = 0.5 }, 0),
        ("offline-prose", "A prose reader: prefers well-paragraphed prose to bullet lists.",
            new() { [F.Lists] = 0.3, [F.Paragraphs] = 0.5 }, 0),
        ("offline-strict-refusal", "Strict about refusals: an 'as an AI I cannot' or an apology costs double.",
            new() { [F.Refusal] = -4, [F.Apology] = -1.5 }, 0),
        ("offline-coder", "A programmer: a code block where code was asked counts double, and an unclosed one is fatal.",
            new() { [F.Code] = 1.6, [F.Truncated] = -2 }, 0),
        ("offline-on-topic", "On-topic: rewards using the instruction's own content words.",
            new() { [F.Coverage] = 0.3 }, 0),
        ("offline-anti-padding", "Hates padding: repeated sentences and answers that echo the question cost twice as much.",
            new() { [F.Repetition] = -4, [F.Echo] = -0.8 }, 0),
        ("offline-no-nonsense", "No-nonsense: 'Sure! Here is...' openers and restating the instruction cost double.",
            new() { [F.FillerOpener] = -0.9, [F.Echo] = -1.0, [F.Restates] = -2 }, 0),
        ("offline-first-impression", "A hasty reader with an LLM judge's position bias: close calls go to the output shown first.",
            [], 0.04),
        ("offline-recency", "A reader with recency bias: close calls go to the output shown second.",
            [], -0.03),
        ("offline-finisher", "Insists on complete answers in the asker's language: truncation and a wrong language cost more.",
            new() { [F.Truncated] = -2.5, [F.WrongLanguage] = -4 }, 0),
    ];

    /// <summary>The thirteen members, sharing one feature cache.</summary>
    public static AnnotatorPool Create()
    {
        var cache = new TextFeatureCache();
        return new AnnotatorPool(Name, Personas.Select(p => (IPairAnnotator)new OfflineJudge(p.Id, p.Persona, Weights(p.Changes), p.Bias, false, cache)).ToList());
    }

    /// <summary>
    /// One offline judge of a pool file: <c>{"id": "...", "persona": "...", "weights": {"lists": 0.8, ...},
    /// "first_position_bias": 0, "sampled": false}</c>; weights not given are the core's. Members of one file share
    /// <paramref name="cache"/>, so each output's features are computed once.
    /// </summary>
    public static IPairAnnotator Member(JsonElement member, string path, int index, TextFeatureCache cache)
    {
        var id = member.TryGetProperty("id", out var i) && i.ValueKind == JsonValueKind.String ? i.GetString()! : $"member-{index}";
        var changes = new Dictionary<int, double>();
        if (member.TryGetProperty("weights", out var weights))
        {
            foreach (var weight in weights.EnumerateObject())
            {
                var feature = F.Names.ToList().IndexOf(weight.Name);
                if (feature < 0) throw new InputValidationException($"{path}: member '{id}': unknown feature '{weight.Name}' (known: {string.Join(", ", F.Names)})");
                changes[feature] = weight.Value.GetDouble();
            }
        }
        return new OfflineJudge(id,
            member.TryGetProperty("persona", out var persona) && persona.ValueKind == JsonValueKind.String ? persona.GetString()! : "from " + Path.GetFileName(path),
            Weights(changes),
            member.TryGetProperty("first_position_bias", out var bias) ? bias.GetDouble() : 0,
            member.TryGetProperty("sampled", out var sampled) && sampled.ValueKind == JsonValueKind.True,
            cache);
    }

    private static double[] Weights(Dictionary<int, double> changes)
    {
        double[] weights =
        [
            LengthWeight, SaturationWeight, ListsWeight, ParagraphsWeight, CodeWeight, CoverageWeight, RepetitionWeight, RefusalWeight,
            ApologyWeight, TruncatedWeight, WrongLanguageWeight, RestatesWeight, BrevityAskedWeight, EmptyWeight, EchoWeight,
            FillerOpenerWeight, FactoidLengthWeight, DiversityWeight,
        ];
        foreach (var (index, weight) in changes) weights[index] = weight;
        return weights;
    }
}
