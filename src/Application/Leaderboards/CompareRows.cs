using AlpacaFarm.Leaderboard;
using AlpacaFarm.Runner.Configuration;
using AlpacaFarm.Runner.Evaluation;
using Mediator;

namespace AlpacaFarm.Application.Leaderboards;

/// <summary>Row A minus row B with the paired standard error (<c>alpacafarm compare</c>); reads only.</summary>
public sealed record CompareRows(string A, string B, string? BoardId) : IQuery<RowComparison>;

public sealed class CompareRowsHandler(AlpacaFarmHome home) : IQueryHandler<CompareRows, RowComparison>
{
    public ValueTask<RowComparison> Handle(CompareRows query, CancellationToken cancellationToken)
    {
        using var store = LeaderboardStore.OpenReadOnly(Path.Combine(home.Path, LeaderboardStore.FileName))
            ?? throw new ArgumentException("nothing is stored yet: no rows to compare");
        return ValueTask.FromResult(RowComparison.Of(store, query.A, query.B, query.BoardId));
    }
}
