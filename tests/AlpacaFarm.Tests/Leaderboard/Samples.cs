using AlpacaFarm.Evaluation.Metrics;
using AlpacaFarm.Leaderboard;

namespace AlpacaFarm.Tests.Leaderboard;

internal static class Samples
{
    public static readonly BoardIdentity BoardA = new("alpaca_eval", "e5a1", "9f3b", "pool77", "AlpacaEval", "text-davinci-003", "Pool 77");
    public static readonly BoardIdentity BoardB = BoardA with { ReferenceSha256 = "0c0c", ReferenceName = "gpt4_turbo" };

    public static SubmissionProvenance Provenance(long seed = 0) => new(
        "method", "alpacafarm.sft", "1.2.0", "ab12", null,
        new Dictionary<string, string> { ["lr"] = "2e-5", ["epochs"] = "3" },
        new Dictionary<string, string> { ["temperature"] = "0.7" },
        seed, "world-1", "verified");

    public static EvaluationRecord Evaluation(
        BoardIdentity board, string name, string content = "content-1", long seed = 0, int rows = 3,
        double winRate = 50, double? lengthControlled = null)
    {
        var outputs = Enumerable.Range(0, rows)
            .Select(i => new SubmittedOutput(i, $"Instruction {i}", $"{content} output {i}", name, i % 2 == 0 ? "helpful_base" : "koala"))
            .ToList();
        var annotations = Enumerable.Range(0, rows)
            .Select(i => new AnnotationRecord(i, $"Instruction {i}", i == 1 ? null : 1 + (i % 3) * 0.5, "annotator-x",
                i == 2 ? double.NaN : 0.001 * i, 0.25 * i))
            .ToList();
        return new EvaluationRecord(
            board, name, content, Provenance(seed), outputs, annotations,
            new AggregateRecord(new WinRateSummary(winRate, double.NaN, 2, 1, 0, rows, winRate - 1, 123.5), "minimal", lengthControlled),
            new DateTimeOffset(2025, 3, 4, 5, 6, 7, 891, TimeSpan.FromHours(2)),
            new DateTimeOffset(2025, 3, 4, 5, 16, 7, 12, TimeSpan.FromHours(2)),
            0.75, 12.5, rows);
    }
}
