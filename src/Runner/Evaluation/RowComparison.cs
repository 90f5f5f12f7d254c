using AlpacaFarm.Evaluation.Integrity;
using AlpacaFarm.Evaluation.Metrics;
using AlpacaFarm.Leaderboard;
using AlpacaFarm.Simulation;

namespace AlpacaFarm.Runner.Evaluation;

/// <summary>
/// Row A minus row B on one board, per instruction: the simulated win-rate difference and, on farm boards, the gold one,
/// each with the paired standard error of the per-instruction differences (100 · SEM), so that "A beats B by 2 SE" means
/// something. Only instructions judged in both rows count. Gold is read in the current farm world (<c>FarmWorld.Use</c>): a
/// caller comparing rows of a hidden world's home enters that world first, as the CLI does for its home.
/// </summary>
/// <param name="Pairs">Instructions judged in both rows.</param>
/// <param name="ByDataset">The same per dataset (AlpacaEval's column: the farm's instruction families), by name.</param>
public sealed record RowComparison(
    string BoardId, string A, string B, int Pairs,
    double SimulatedA, double SimulatedB, double SimulatedDifference, double SimulatedPairedSe,
    double? GoldA, double? GoldB, double? GoldDifference, double? GoldPairedSe,
    IReadOnlyList<DatasetComparison> ByDataset)
{
    /// <summary>Compares two stored rows; <paramref name="boardId"/> is needed only when both names are on several boards.</summary>
    public static RowComparison Of(LeaderboardStore store, string a, string b, string? boardId)
    {
        var boards = store.Boards().Select(board => board.Identity)
            .Where(board => boardId is null || board.Id == boardId)
            .Where(board => store.FindSubmission(board.Id, a) is not null && store.FindSubmission(board.Id, b) is not null)
            .ToList();
        var board = boards.Count switch
        {
            0 => throw new ArgumentException(boardId is null
                ? $"no board holds both '{a}' and '{b}'"
                : $"board '{boardId}' does not hold both '{a}' and '{b}'"),
            1 => boards[0],
            _ => throw new ArgumentException($"'{a}' and '{b}' are both on {boards.Count} boards ({string.Join(", ", boards.Select(x => x.Id))}): choose one with --board"),
        };
        var rowA = store.FindSubmission(board.Id, a)!;
        var rowB = store.FindSubmission(board.Id, b)!;
        var simulatedA = Judged(store, rowA);
        var simulatedB = Judged(store, rowB);
        var common = simulatedA.Keys.Where(simulatedB.ContainsKey).Order(StringComparer.Ordinal).ToList();
        if (common.Count == 0) throw new ArgumentException($"'{a}' and '{b}' have no judged instruction in common");

        var outputsA = store.Outputs(rowA.Id).ToDictionary(output => output.Instruction, StringComparer.Ordinal);
        var outputsB = store.Outputs(rowB.Id).ToDictionary(output => output.Instruction, StringComparer.Ordinal);
        var farm = board.EvaluationSetId is FarmEvalSet.SetId or FarmValidationSet.SetId;
        var goldA = farm ? Gold(outputsA.Values) : null;
        var goldB = farm ? Gold(outputsB.Values) : null;

        var simulated = Paired(common, simulatedA, simulatedB);
        (double A, double B, double Difference, double Se)? GoldPaired(IReadOnlyList<string> instructions) =>
            goldA is null ? null : Paired(instructions, goldA, goldB!);
        var gold = GoldPaired(common);
        var byDataset = common.GroupBy(instruction => outputsA[instruction].Dataset, StringComparer.Ordinal).OrderBy(group => group.Key, StringComparer.Ordinal)
            .Select(group =>
            {
                var instructions = group.ToList();
                var s = Paired(instructions, simulatedA, simulatedB);
                var g = GoldPaired(instructions);
                return new DatasetComparison(group.Key, instructions.Count, s.Difference, s.Se, g?.Difference, g?.Se,
                    MeanLength(instructions, outputsA), MeanLength(instructions, outputsB));
            })
            .ToList();
        return new RowComparison(board.Id, a, b, common.Count, simulated.A, simulated.B, simulated.Difference, simulated.Se,
            gold?.A, gold?.B, gold?.Difference, gold?.Se, byDataset)
        {
            IntegrityA = rowA.Aggregate.Integrity,
            IntegrityB = rowB.Aggregate.Integrity,
        };
    }

    /// <summary>Row A's integrity flags, as stored with it.</summary>
    public IntegrityFlags IntegrityA { get; init; } = IntegrityFlags.None;

    /// <summary>Row B's integrity flags, as stored with it.</summary>
    public IntegrityFlags IntegrityB { get; init; } = IntegrityFlags.None;

    private static double MeanLength(IReadOnlyList<string> instructions, IReadOnlyDictionary<string, SubmittedOutput> outputs) =>
        SampleStatistics.Mean([.. instructions.Select(i => (double)WinRate.CodePointLength(outputs[i].Output))]);

    private static (double A, double B, double Difference, double Se) Paired(
        IReadOnlyList<string> instructions, IReadOnlyDictionary<string, double> a, IReadOnlyDictionary<string, double> b)
    {
        var differences = instructions.Select(i => a[i] - b[i]).ToList();
        return (100 * SampleStatistics.Mean([.. instructions.Select(i => a[i])]), 100 * SampleStatistics.Mean([.. instructions.Select(i => b[i])]),
            100 * SampleStatistics.Mean(differences), 100 * SampleStatistics.StandardError(differences));
    }

    /// <summary>Per instruction, P(row's output preferred over the reference) as the evaluator scored it: preference − 1.</summary>
    private static Dictionary<string, double> Judged(LeaderboardStore store, StoredSubmission row) =>
        store.Annotations(row.Id).Where(annotation => annotation.Preference is not null)
            .ToDictionary(annotation => annotation.Instruction, annotation => annotation.Preference!.Value - 1, StringComparer.Ordinal);

    /// <summary>Per instruction, the gold P(row's output ≻ reference); the farm's references are the reference responder's.</summary>
    private static Dictionary<string, double> Gold(IEnumerable<SubmittedOutput> outputs) =>
        outputs.ToDictionary(output => output.Instruction,
            output => FarmGold.HumanPreferenceProbability(output.Instruction, output.Output, FarmReferences.For(output.Instruction)), StringComparer.Ordinal);
}

/// <summary>
/// One dataset's part of a <see cref="RowComparison"/>: A − B on its instructions judged in both rows, with paired
/// standard errors (NaN below two pairs), and each row's mean output length in code points, as AlpacaEval's avg_length.
/// </summary>
public sealed record DatasetComparison(
    string Dataset, int Pairs, double SimulatedDifference, double SimulatedPairedSe, double? GoldDifference, double? GoldPairedSe,
    double LengthA, double LengthB);
