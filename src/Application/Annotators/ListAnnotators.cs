using AlpacaFarm.Evaluation.Annotators;
using AlpacaFarm.Judges;
using AlpacaFarm.Runner.Annotators;
using Mediator;

namespace AlpacaFarm.Application.Annotators;

/// <summary>The built-in and shipped annotator pools and their members (LLM judges are listed from their files: no key needed).</summary>
public sealed record ListAnnotators : IQuery<IReadOnlyList<AnnotatorRow>>;

/// <param name="Kind">"offline" (a weighted-feature judge), "rule" (longest) or "llm-judge".</param>
/// <param name="Model">LLM judges only: the model or Azure deployment.</param>
/// <param name="ConfigurationHash">Null for LLM judges, whose hash needs a live client.</param>
public sealed record AnnotatorRow(string Pool, bool Default, string Member, string Kind, string Description, string? ConfigurationHash,
    string? Model = null, int? BatchSize = null, string? Parser = null);

public sealed class ListAnnotatorsHandler : IQueryHandler<ListAnnotators, IReadOnlyList<AnnotatorRow>>
{
    public ValueTask<IReadOnlyList<AnnotatorRow>> Handle(ListAnnotators query, CancellationToken cancellationToken)
    {
        var builtIn = BuiltInPools.Names.SelectMany(name =>
        {
            var pool = BuiltInPools.Get(name);
            return pool.Members.Select(member =>
            {
                var (kind, description) = BuiltInPools.Describe(member);
                return new AnnotatorRow(name, name == BuiltInPools.Default, member.Id, kind, description, member.ConfigurationHash);
            });
        });
        var judges = JudgePools.ShippedNames.SelectMany(name => JudgePools.TryReadConfig(name)!.Members.Select(judge => new AnnotatorRow(
            name, false, judge.Id, "llm-judge",
            $"{judge.Endpoint.Kind} {judge.PromptFamily}{(judge.Persona is null ? "" : $" ({judge.Persona})")}, {judge.InContextExamples} examples, temperature {judge.Temperature:0.##}",
            null, judge.Model, judge.BatchSize, judge.Parser)));
        return ValueTask.FromResult<IReadOnlyList<AnnotatorRow>>([.. builtIn, .. judges]);
    }
}
