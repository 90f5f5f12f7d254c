using System.Text.Json;
using AlpacaFarm.Evaluation.Imports;
using AlpacaFarm.Evaluation.Scoring;
using AlpacaFarm.Evaluation.Sets;
using AlpacaFarm.Leaderboard;
using AlpacaFarm.Runner.Evaluation;
using Mediator;

namespace AlpacaFarm.Application.Evaluation;

/// <summary>Scores pairwise judgments from an AlpacaEval annotations.json without asking anyone, and stores the row.</summary>
public sealed record ImportAnnotations(string AnnotationsPath, string? Name, bool Replace) : ICommand<EvaluationReport>;

public sealed class ImportAnnotationsHandler(Lazy<LeaderboardStore> database) : ICommandHandler<ImportAnnotations, EvaluationReport>
{
    public ValueTask<EvaluationReport> Handle(ImportAnnotations command, CancellationToken cancellationToken)
    {
        var started = DateTimeOffset.UtcNow;
        var rows = AnnotationsFileReader.Read(command.AnnotationsPath);
        var name = SubmissionScorer.ChooseName(command.Name, rows.Select(row => row.Generator2));
        // The board of imported judgments: reference hashed over the instructions and output_1 texts, the pool over the annotator names.
        var annotators = rows.Select(row => row.Annotator).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var board = new BoardIdentity(
            ReferenceFileSet.SetId,
            ContentHash.Instructions(rows.Select(row => row.Instruction)),
            ContentHash.Pairs(rows.Select(row => (row.Instruction, row.Output1))),
            ContentHash.Sha256(string.Concat(annotators.Select(annotator => annotator + "\n"))),
            Path.GetFileName(command.AnnotationsPath),
            rows[0].Generator1,
            string.Join("+", annotators));
        var store = database.Value;
        var content = ContentHash.Sha256(JsonSerializer.Serialize(rows.Select(row => new { row.Instruction, row.Output2, row.Annotator, row.Preference })));

        if (store.FindSubmission(board.Id, name) is { } stored)
        {
            if (stored.ContentSha256 == content) return ValueTask.FromResult(new EvaluationReport(board, name, SaveOutcome.Unchanged, stored.Aggregate, 0, []));
            if (!command.Replace) throw new SubmissionConflictException(board.Id, name, stored.ContentSha256, stored.Seed, content, 0);
        }

        var card = Scorecard.Compute(rows.Select(row => row.Preference).ToList(),
            rows.Select(row => row.Output2).ToList(), rows.Select(row => row.Output1).ToList());
        var aggregate = Aggregates.From(card, Aggregates.Community);
        var record = new EvaluationRecord(
            board, name, content,
            new SubmissionProvenance("annotations", null, null, null, ContentHash.File(command.AnnotationsPath),
                new Dictionary<string, string>(), new Dictionary<string, string>(), 0, null, Aggregates.Community),
            rows.Select((row, i) => new SubmittedOutput(i, row.Instruction, row.Output2, row.Generator2, row.Dataset)).ToList(),
            rows.Select((row, i) => new AnnotationRecord(i, row.Instruction, row.Preference, row.Annotator, row.Price, row.TimeSeconds)).ToList(),
            aggregate, started, DateTimeOffset.UtcNow, rows.Sum(row => row.Price), rows.Sum(row => row.TimeSeconds), 0);
        var outcome = store.Save(record, command.Replace);
        return ValueTask.FromResult(new EvaluationReport(board, name, outcome, aggregate, 0, []));
    }
}
