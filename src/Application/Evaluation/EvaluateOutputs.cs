using AlpacaFarm.Application.Pipeline;
using AlpacaFarm.Evaluation.Outputs;
using AlpacaFarm.Runner.Annotators;
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
    Action<int, int>? Progress = null) : ICommand<EvaluationReport>, IValidated
{
    private (IEvaluationSet Set, AlignedOutputs Outputs)? _inputs;

    /// <summary>The reference set and the outputs aligned to it, read and checked once (by <see cref="Validate"/>).</summary>
    public (IEvaluationSet Set, AlignedOutputs Outputs) Inputs()
    {
        if (_inputs is { } read) return read;
        var set = SubmissionScorer.LoadSet(Reference);
        _inputs = (set, ModelOutputsReader.ReadFor(OutputsPath, set));
        return _inputs.Value;
    }

    /// <summary>Before any pair is judged: both files, the annotator pool and the row's name.</summary>
    public void Validate()
    {
        var (set, outputs) = Inputs();
        AnnotatorPools.Resolve(Annotators ?? AnnotatorPools.DefaultFor(set));
        SubmissionScorer.ChooseName(Name, outputs.ByItem.OfType<ModelOutput>().Select(output => output.Generator));
    }
}

public sealed class EvaluateOutputsHandler(Lazy<SubmissionScorer> scorer) : ICommandHandler<EvaluateOutputs, EvaluationReport>
{
    public async ValueTask<EvaluationReport> Handle(EvaluateOutputs command, CancellationToken cancellationToken)
    {
        var (set, outputs) = command.Inputs();
        var provenance = new SubmissionProvenance("outputs", null, null, null, ContentHash.File(command.OutputsPath),
            new Dictionary<string, string>(), new Dictionary<string, string>(), command.Seed, null, Aggregates.Community);
        return await scorer.Value.ScoreAsync(set, outputs, command.Annotators, command.Name, command.Seed, command.Replace, provenance,
            command.Progress, cancellationToken);
    }
}
