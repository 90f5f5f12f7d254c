using AlpacaFarm.Evaluation.Outputs;
using AlpacaFarm.Evaluation.Sets;
using AlpacaFarm.Leaderboard;
using AlpacaFarm.Runner.Evaluation;
using Mediator;

namespace AlpacaFarm.Application.Evaluation;

/// <summary>Scores a model_outputs.json against a reference set with an annotator pool and stores the row.</summary>
/// <param name="Reference">A reference file in model_outputs.json format, or "farm".</param>
/// <param name="Annotators">A pool name or file; null for the set's default (farm pool on the farm, offline pool on real text).</param>
/// <param name="Name">Leaderboard name; defaults to the outputs' generator.</param>
/// <param name="Progress">Receives the number of pairs judged so far, out of <c>total</c>.</param>
public sealed record EvaluateOutputs(
    string OutputsPath,
    string Reference,
    string? Annotators,
    string? Name,
    long Seed,
    bool Replace,
    Action<int, int>? Progress = null) : ICommand<EvaluationReport>;

public sealed class EvaluateOutputsHandler(Lazy<SubmissionScorer> scorer) : ICommandHandler<EvaluateOutputs, EvaluationReport>
{
    public async ValueTask<EvaluationReport> Handle(EvaluateOutputs command, CancellationToken cancellationToken)
    {
        var set = SubmissionScorer.LoadSet(command.Reference);
        var outputs = ModelOutputsReader.ReadFor(command.OutputsPath, set);
        var provenance = new SubmissionProvenance("outputs", null, null, null, ContentHash.File(command.OutputsPath),
            new Dictionary<string, string>(), new Dictionary<string, string>(), command.Seed, null, Aggregates.Community);
        return await scorer.Value.ScoreAsync(set, outputs, command.Annotators, command.Name, command.Seed, command.Replace, provenance,
            command.Progress, cancellationToken);
    }
}
