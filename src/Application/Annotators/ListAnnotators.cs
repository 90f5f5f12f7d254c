using AlpacaFarm.Evaluation.Annotators;
using Mediator;

namespace AlpacaFarm.Application.Annotators;

/// <summary>The built-in annotator pools and their members.</summary>
public sealed record ListAnnotators : IQuery<IReadOnlyList<AnnotatorRow>>;

/// <param name="Kind">"offline" (a weighted-feature judge) or "rule" (longest).</param>
public sealed record AnnotatorRow(string Pool, bool Default, string Member, string Kind, string Description, string ConfigurationHash);

public sealed class ListAnnotatorsHandler : IQueryHandler<ListAnnotators, IReadOnlyList<AnnotatorRow>>
{
    public ValueTask<IReadOnlyList<AnnotatorRow>> Handle(ListAnnotators query, CancellationToken cancellationToken) =>
        ValueTask.FromResult<IReadOnlyList<AnnotatorRow>>(BuiltInPools.Names.SelectMany(name =>
        {
            var pool = BuiltInPools.Get(name);
            return pool.Members.Select(member =>
            {
                var (kind, description) = BuiltInPools.Describe(member);
                return new AnnotatorRow(name, name == BuiltInPools.Default, member.Id, kind, description, member.ConfigurationHash);
            });
        }).ToList());
}
