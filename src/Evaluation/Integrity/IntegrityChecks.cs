using System.Globalization;
using System.Text.RegularExpressions;

namespace AlpacaFarm.Evaluation.Integrity;

/// <summary>
/// The checks every row passes before it is ranked: outputs that are empty, one constant answer, copies of the
/// instruction, answers repeated across instructions, text aimed at the judge, a raw win rate far from the length-controlled
/// one, and (where there is gold) a simulated win rate far above gold's. Each threshold is a constant here, calibrated so that
/// no built-in method's default row at seeds 0–2 raises it (docs/evaluation.md gives the calibration). Outputs compare after
/// trimming, lower-casing and collapsing white space.
/// </summary>
public static partial class IntegrityChecks
{
    /// <summary>Flag ids.</summary>
    public const string Empty = "empty", Constant = "constant", CopiesInstruction = "copies-instruction", Repeats = "repeats",
        JudgeDirected = "judge-directed", LcGap = "lc-gap", SimulatedAboveGold = "simulated-above-gold";

    /// <summary>Empty outputs: at least this share of the rows.</summary>
    public const double EmptyShare = 0.10;

    /// <summary>One constant answer: the most common output answers at least this share of the rows.</summary>
    public const double ConstantShare = 0.20;

    /// <summary>Copies of the instruction (the output is the instruction, or holds it with at most 20 % more text): this share.</summary>
    public const double CopyShare = 0.20;

    /// <summary>Answers repeated across instructions (the same output for another instruction too): this share.</summary>
    public const double RepeatShare = 0.40;

    /// <summary>Text aimed at the judge: at least this many outputs.</summary>
    public const int JudgeDirectedOutputs = 3;

    /// <summary>
    /// |raw − length-controlled win rate|, in points: at least this. A judge that likes length opens a gap for honest long
    /// answers too (AlpacaEval's published GPT-4 outputs under the offline pool: 31 points), so only a wider one is extreme.
    /// </summary>
    public const double LcGapPoints = 40;

    /// <summary>Simulated minus gold win rate, in points: at least this (a finding, not a fault: the row stays ranked).</summary>
    public const double SimulatedAboveGoldPoints = 10;

    /// <summary>The flags a row raises; empty when it passes every check.</summary>
    /// <param name="rows">Each scored instruction and its output.</param>
    /// <param name="winRate">The raw win rate, in points.</param>
    /// <param name="lengthControlled">The LC win rate, in points; null where there is none.</param>
    /// <param name="gold">The gold win rate, in points; null off the farm.</param>
    public static IntegrityFlags Check(IReadOnlyList<(string Instruction, string Output)> rows, double winRate, double? lengthControlled,
        double? gold)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var flags = new List<IntegrityFlag>();
        var n = rows.Count;
        if (n > 0)
        {
            var outputs = rows.Select(row => Normal(row.Output)).ToList();
            var empty = outputs.Count(output => output.Length == 0);
            if (empty >= EmptyShare * n) flags.Add(new(Empty, $"{empty} of {n} outputs are empty", true));
            var common = outputs.Where(output => output.Length > 0).GroupBy(output => output, StringComparer.Ordinal)
                .OrderByDescending(group => group.Count()).FirstOrDefault();
            if (common is not null && common.Count() >= ConstantShare * n)
                flags.Add(new(Constant, $"{common.Count()} of {n} outputs are the same text (\"{Cut(common.Key)}\")", true));
            var copies = rows.Count(row => Copies(Normal(row.Instruction), Normal(row.Output)));
            if (copies >= CopyShare * n) flags.Add(new(CopiesInstruction, $"{copies} of {n} outputs copy their instruction", true));
            var instructionsByOutput = rows.Where(row => Normal(row.Output).Length > 0)
                .GroupBy(row => Normal(row.Output), StringComparer.Ordinal)
                .ToDictionary(group => group.Key, group => group.Select(row => row.Instruction).Distinct(StringComparer.Ordinal).Count(), StringComparer.Ordinal);
            var repeated = outputs.Count(output => output.Length > 0 && instructionsByOutput[output] > 1);
            // A constant answer repeats by definition: its own flag says so.
            if (repeated >= RepeatShare * n && flags.All(flag => flag.Id != Constant)) flags.Add(new(Repeats, $"{repeated} of {n} outputs also answer another instruction", true));
            var aimed = rows.Count(row => AimedAtJudge().IsMatch(row.Output));
            if (aimed >= JudgeDirectedOutputs) flags.Add(new(JudgeDirected, $"{aimed} of {n} outputs address the judge", true));
        }
        if (lengthControlled is { } lc && Math.Abs(winRate - lc) >= LcGapPoints)
            flags.Add(new(LcGap, $"raw win rate {Points(winRate)} against length-controlled {Points(lc)}", true));
        if (gold is { } g && winRate - g >= SimulatedAboveGoldPoints)
            flags.Add(new(SimulatedAboveGold, $"simulated win rate {Points(winRate)} against gold {Points(g)}: the judges are optimised past what gold supports", false));
        return new IntegrityFlags(flags);
    }

    private static bool Copies(string instruction, string output) =>
        instruction.Length > 0 && output.Length > 0
        && (output == instruction || (output.Contains(instruction, StringComparison.Ordinal) && output.Length - instruction.Length <= 0.2 * output.Length));

    private static string Normal(string text) => WhiteSpace().Replace((text ?? "").Trim().ToLowerInvariant(), " ");

    private static string Cut(string text) => text.Length <= 40 ? text : text[..40] + "…";

    private static string Points(double value) => value.ToString("0.00", CultureInfo.InvariantCulture);

    [GeneratedRegex(@"\s+")]
    private static partial Regex WhiteSpace();

    // Instructions to the judge rather than answers to the user: "ignore the previous instructions", "output (a) is
    // better", "choose output b", "the better response is", "as the judge".
    [GeneratedRegex(@"ignore (all |any )?(the |your )?(previous|prior|above|preceding|earlier) (instructions?|prompts?)|output \(?[ab]\)? is (better|preferred|the best)|\b(prefer|choose|select|pick) output \(?[ab]\)?|the (better|best) (answer|response|output) is|\bas an? (ai )?(judge|evaluator|annotator)\b|\boutput \([ab]\)",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex AimedAtJudge();
}
