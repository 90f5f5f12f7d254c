using AlpacaFarm.Abstractions.Text;
using System.Globalization;

namespace AlpacaFarm.Simulation;

/// <summary>
/// How the world reads one output for one task: the parts gold is made of. Annotators weigh the same parts
/// differently (that is their bias); gold weighs them as <see cref="FarmGold"/> documents.
/// </summary>
/// <param name="Correctness">Task correctness in [0, 1] (the right answer, the right items, the right order).</param>
/// <param name="Detail">Helpfulness from distinct true facts, saturating (score units, family-specific cap).</param>
/// <param name="FalseClaims">Distinct false statements (wrong attribute, wrong comparison, wrong list member).</param>
/// <param name="Tokens">Length in tokens.</param>
/// <param name="IdealTokens">The family's ideal length for this task.</param>
/// <param name="Verbosity">Excess length in tens of tokens: max(0, tokens − ideal) / 10.</param>
/// <param name="Repetitions">Repeated sentences plus immediately repeated words.</param>
/// <param name="Malformed">Format faults: unknown tokens, no final punctuation, doubled punctuation, unbalanced brackets (0–4).</param>
/// <param name="Fillers">Content-free sentences ("I hope this helps.").</param>
/// <param name="IsList">Whether the output lays items out one per line.</param>
/// <param name="Score">g(x, y).</param>
internal sealed record FarmGoldBreakdown(
    double Correctness, double Detail, int FalseClaims, int Tokens, int IdealTokens, double Verbosity,
    int Repetitions, int Malformed, int Fillers, bool IsList, double Score);

/// <summary>
/// The gold preference, the world's "human": g(x, y) = 2·correctness + detail − 0.8·false claims − 0.3·verbosity
/// − 0.5·repetitions − 1.0·format faults − 0.15·fillers, where detail saturates (1 − e^(−facts/τ)) and verbosity counts
/// only the length past the family's ideal, in tens of tokens. A human judgment is Bradley–Terry on gold at <see cref="HumanTemperature"/>.
/// </summary>
/// <remarks>
/// Why this shape: correctness dominates, so a policy has a lot to learn above the demonstrator (which states wrong
/// facts and lists wrong items); detail rewards more true facts with diminishing returns, so longer is better up to a
/// point; past the ideal length, and for padding, repetition and rambling, gold falls. The simulated annotators
/// reward length beyond that point (see <see cref="FarmPool"/>), so a policy optimised hard against them eventually
/// loses gold: the over-optimisation of the paper's Figure 5. Internal, like <see cref="FarmHumans"/>: a plugin that could
/// read gold could optimise the evaluator's own judgment; only the host (Application) and the tests see it.
/// </remarks>
internal static class FarmGold
{
    /// <summary>
    /// The simulated humans' Bradley–Terry temperature on gold scores. Tuned (throwaway loop over the calibration
    /// pairs) so that human–human agreement, measured as AlpacaEval measures it, sits near the paper's
    /// (<c>alpacafarm farm stats</c> measures it).
    /// </summary>
    public const double HumanTemperature = 1.05;

    /// <summary>Gold score of the empty output.</summary>
    public const double EmptyScore = -4;

    internal static readonly GoldWeights Gold = new(Correct: 1, Detail: 1, False: 1, Verbose: 1, Repeat: 1, Malformed: 1, Filler: 1, List: 0, LengthBonus: 0);

    /// <summary>g(x, y) for an instruction of the world.</summary>
    /// <exception cref="ArgumentException">The instruction is not one the world states.</exception>
    public static double Score(string instruction, string output) => Analyze(instruction, output).Score;

    /// <summary>g(x, y) with its parts.</summary>
    public static FarmGoldBreakdown Analyze(string instruction, string output) =>
        Analyze(FarmTask.ParseCached(instruction) ?? throw new ArgumentException($"not an instruction of the farm world: {instruction}", nameof(instruction)), output);

    /// <summary>g(x, y) with its parts, for a parsed task.</summary>
    public static FarmGoldBreakdown Analyze(FarmTask task, string output)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(output);
        var key = (task.Instruction, output, FarmWorld.KnowledgeSeed);
        if (Readings.TryGetValue(key, out var cached)) return cached;
        if (Readings.Count > 200_000) Readings.Clear(); // a memo, not a store: bounded
        return Readings[key] = Reader.Read(task, output, Gold);
    }

    // Annotators and the stats read the same outputs many times; reading is pure, so it is memoised.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(string, string, long), FarmGoldBreakdown> Readings = new();

    /// <summary>P(A ≻ B) for a simulated human: σ((g(x, A) − g(x, B)) / <see cref="HumanTemperature"/>); ½ at equal scores.</summary>
    public static double HumanPreferenceProbability(string instruction, string outputA, string outputB)
    {
        var task = FarmTask.ParseCached(instruction) ?? throw new ArgumentException($"not an instruction of the farm world: {instruction}", nameof(instruction));
        return BradleyTerry(Analyze(task, outputA).Score, Analyze(task, outputB).Score, HumanTemperature);
    }

    /// <summary>σ((a − b) / temperature), exactly ½ when a == b.</summary>
    public static double BradleyTerry(double a, double b, double temperature) =>
        a == b ? 0.5 : 1 / (1 + Math.Exp(-(a - b) / temperature));

    /// <summary>Score weights: gold's are 1 (and no list or length bonus); an annotator's differ (its bias).</summary>
    internal sealed record GoldWeights(double Correct, double Detail, double False, double Verbose, double Repeat, double Malformed, double Filler, double List, double LengthBonus)
    {
        public double Combine(FarmGoldBreakdown b) =>
            b.Tokens == 0 ? EmptyScore : Combine(b.Correctness, b.Detail, b.FalseClaims, b.Verbosity, b.Repetitions, b.Malformed, b.Fillers, b.IsList, b.Tokens);

        public double Combine(double correctness, double detail, int falseClaims, double verbosity, int repetitions, int malformed, int fillers, bool isList, int tokens) =>
            Correct * 2 * correctness + Detail * detail - False * 0.8 * falseClaims - Verbose * 0.3 * verbosity - Repeat * 0.5 * repetitions
            - Malformed * 1.0 * malformed - Filler * 0.15 * fillers + (isList ? List * 0.1 : 0) + LengthBonus * tokens / 10.0;
    }

    /// <summary>Reads outputs: claims, sequences, format.</summary>
    internal static class Reader
    {
        private static readonly HashSet<string> Terminal = [".", "!", "?"];
        private static readonly HashSet<string> Punctuation = [".", ",", ";", ":", "!", "?"];
        private static readonly HashSet<string> ClauseBreaks = [".", "!", "?", "\n", ",", ";", "but", "while"];

        public static FarmGoldBreakdown Read(FarmTask task, string output, GoldWeights weights)
        {
            var ideal = IdealLength(task);
            var tokens = CanonicalText.Tokenize(output);
            if (tokens.Count == 0) return new FarmGoldBreakdown(0, 0, 0, 0, ideal, 0, 0, 1, 0, false, EmptyScore);
            var lower = tokens.Select(token => token.ToLowerInvariant()).ToList();

            var malformed = Malformations(tokens);
            var sentences = Split(lower, Terminal.Append("\n").ToHashSet());
            var repetitions = sentences.Where(s => s.Count >= 2).GroupBy(s => string.Join(" ", s), StringComparer.Ordinal).Sum(g => g.Count() - 1)
                + Enumerable.Range(0, lower.Count - 1).Count(i => lower[i] == lower[i + 1] && char.IsLetter(lower[i][0]));
            var fillers = sentences.Count(s => s.Count >= 3 && !s.Any(t => FarmKnowledge.ByName.ContainsKey(t) || FarmKnowledge.ValueKinds.ContainsKey(t) || char.IsDigit(t[0])));
            var isList = lower.Contains("\n");
            var claims = Claims(lower);
            var falseClaims = claims.Where(c => !c.True).Select(c => c.Key).Distinct().Count();
            var entities = lower.Where(FarmKnowledge.ByName.ContainsKey).ToList();

            double correctness, detail = 0;
            switch (task.Family)
            {
                case FarmFamilies.List:
                {
                    var distinct = entities.Distinct().ToList();
                    var members = distinct.Count(e => FarmKnowledge.ByName[e].Category == task.Category);
                    var wrong = distinct.Count - members;
                    correctness = Math.Max(0, Math.Min(members, task.K) / (double)task.K - 0.15 * Math.Max(0, members - task.K));
                    falseClaims += wrong;
                    break;
                }
                case FarmFamilies.Fact:
                {
                    var truth = FarmKnowledge.ByName[task.Entity!].Value(task.Attribute!);
                    var answers = lower.Where(t => FarmKnowledge.ValueKinds.TryGetValue(t, out var kind) && kind == task.Attribute).Distinct().ToList();
                    var right = answers.Contains(truth);
                    var wrong = answers.Count(a => a != truth);
                    correctness = right ? (wrong == 0 ? 1 : 0.3) : 0;
                    falseClaims = Math.Max(falseClaims, wrong);
                    var otherFacts = TrueKinds(claims, task.Entity!) - (right ? 1 : 0);
                    detail = (entities.Contains(task.Entity!) ? 0.3 : 0) + 0.1 * Math.Clamp(otherFacts, 0, 2);
                    break;
                }
                case FarmFamilies.Sequence:
                {
                    var expected = task.ExpectedSequence;
                    var found = task.Order == FarmTask.Reverse ? entities : lower.Where(t => char.IsDigit(t[0])).ToList();
                    correctness = found.SequenceEqual(expected, StringComparer.Ordinal) ? 1
                        : Math.Max(0, 0.6 * CommonSubsequence(found, expected) / expected.Count - 0.1 * Math.Abs(found.Count - expected.Count));
                    break;
                }
                case FarmFamilies.Compare:
                {
                    var both = entities.Contains(task.Entity!) && entities.Contains(task.Entity2!);
                    var trueCount = claims.Where(c => c.True && (c.Entity == task.Entity || c.Entity == task.Entity2)).Select(c => c.Key).Distinct().Count();
                    correctness = both ? (trueCount > 0 ? 1 : 0.4) : entities.Contains(task.Entity!) || entities.Contains(task.Entity2!) ? 0.2 : 0;
                    detail = 1.2 * (1 - Math.Exp(-trueCount / 2.5));
                    break;
                }
                default: // describe, tell
                {
                    var mentions = entities.Contains(task.Entity!);
                    var kinds = TrueKinds(claims, task.Entity!);
                    correctness = mentions ? (kinds > 0 ? 1 : 0.4) : 0;
                    detail = task.Family == FarmFamilies.Tell ? 2.0 * (1 - Math.Exp(-kinds / 2.0)) : 1.2 * (1 - Math.Exp(-kinds / 1.5));
                    break;
                }
            }
            var verbosity = Math.Max(0, tokens.Count - ideal) / 10.0;
            var score = weights.Combine(correctness, detail, falseClaims, verbosity, repetitions, malformed, fillers, isList, tokens.Count);
            return new FarmGoldBreakdown(correctness, detail, falseClaims, tokens.Count, ideal, verbosity, repetitions, malformed, fillers, isList, score);
        }

        /// <summary>The family's ideal length in tokens (what the reference aims at).</summary>
        public static int IdealLength(FarmTask task) => task.Family switch
        {
            FarmFamilies.List => 5 + 4 * task.K,
            FarmFamilies.Describe => 24,
            FarmFamilies.Fact => 10,
            FarmFamilies.Sequence => 6 + 2 * task.Items!.Count,
            FarmFamilies.Compare => 36,
            _ => 40,
        };

        private static int Malformations(IReadOnlyList<string> tokens)
        {
            var faults = 0;
            var unknown = tokens.Count(token => !FarmWorld.VocabularySet.Contains(token));
            if (unknown > 0) faults += unknown >= 3 ? 2 : 1;
            var lastLineStart = tokens.ToList().LastIndexOf("\n") + 1;
            var endsList = lastLineStart > 0 && lastLineStart + 1 < tokens.Count && (char.IsDigit(tokens[lastLineStart][0]) || tokens[lastLineStart] == "-")
                && !Punctuation.Contains(tokens[^1]);
            if (!Terminal.Contains(tokens[^1]) && !endsList) faults++;
            if (Punctuation.Contains(tokens[0]) || Enumerable.Range(0, tokens.Count - 1).Any(i => Punctuation.Contains(tokens[i]) && Punctuation.Contains(tokens[i + 1])))
                faults++;
            if (tokens.Count(t => t == "(") != tokens.Count(t => t == ")")) faults++;
            return faults;
        }

        private static List<List<string>> Split(IReadOnlyList<string> tokens, HashSet<string> breaks)
        {
            var parts = new List<List<string>> { new() };
            foreach (var token in tokens)
            {
                if (breaks.Contains(token)) { if (parts[^1].Count > 0) parts.Add([]); }
                else parts[^1].Add(token);
            }
            if (parts[^1].Count == 0) parts.RemoveAt(parts.Count - 1);
            return parts;
        }

        internal sealed record Claim(string Entity, string Key, bool True);

        /// <summary>
        /// Statements, clause by clause: the first entity of a clause (or, for "it", the last one named) is the subject of
        /// every attribute word in it; "larger/smaller than" and "the same size" between two entities are comparisons.
        /// </summary>
        private static List<Claim> Claims(IReadOnlyList<string> lower)
        {
            var claims = new List<Claim>();
            string? last = null;
            foreach (var clause in Split(lower, ClauseBreaks))
            {
                var named = clause.Where(FarmKnowledge.ByName.ContainsKey).ToList();
                var subject = named.Count > 0 ? named[0] : clause.Contains("it") ? last : null;
                if (named.Count > 0) last = named[0];
                if (subject is null) continue;
                if (named.Count >= 2)
                {
                    var (a, b) = (FarmKnowledge.ByName[named[0]], FarmKnowledge.ByName[named[1]]);
                    var order = Size(a).CompareTo(Size(b));
                    var key = $"{a.Name}~{b.Name}";
                    if (clause.Contains("larger") || clause.Contains("bigger")) claims.Add(new Claim(a.Name, key, order > 0));
                    else if (clause.Contains("smaller")) claims.Add(new Claim(a.Name, key, order < 0));
                    else if (clause.Contains("same") && clause.Contains("size")) claims.Add(new Claim(a.Name, key, order == 0));
                }
                var entity = FarmKnowledge.ByName[subject];
                foreach (var token in clause)
                {
                    if (!FarmKnowledge.ValueKinds.TryGetValue(token, out var kind)) continue;
                    claims.Add(new Claim(entity.Name, $"{entity.Name}.{kind}={token}", entity.Value(kind) == token));
                }
            }
            return claims;
        }

        private static int Size(FarmEntity entity) => FarmKnowledge.Sizes.ToList().IndexOf(entity.Size);

        private static int TrueKinds(List<Claim> claims, string entity) =>
            claims.Where(c => c.True && c.Entity == entity && c.Key.Contains('=')).Select(c => c.Key).Distinct().Count();

        private static int CommonSubsequence(IReadOnlyList<string> a, IReadOnlyList<string> b)
        {
            var table = new int[a.Count + 1, b.Count + 1];
            for (var i = 1; i <= a.Count; i++)
                for (var j = 1; j <= b.Count; j++)
                    table[i, j] = a[i - 1] == b[j - 1] ? table[i - 1, j - 1] + 1 : Math.Max(table[i - 1, j], table[i, j - 1]);
            return table[a.Count, b.Count];
        }
    }

    internal static string Format(double value) => value.ToString("0.####", CultureInfo.InvariantCulture);
}
