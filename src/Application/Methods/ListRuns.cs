using AlpacaFarm.Leaderboard;
using AlpacaFarm.Runner.Configuration;
using Mediator;

namespace AlpacaFarm.Application.Methods;

/// <summary>The recorded method runs, newest first (<c>alpacafarm runs</c>); reads only.</summary>
public sealed record ListRuns : IQuery<IReadOnlyList<MethodRunRecord>>;

public sealed class ListRunsHandler(AlpacaFarmHome home) : IQueryHandler<ListRuns, IReadOnlyList<MethodRunRecord>>
{
    public ValueTask<IReadOnlyList<MethodRunRecord>> Handle(ListRuns query, CancellationToken cancellationToken)
    {
        using var store = LeaderboardStore.OpenExisting(Path.Combine(home.Path, LeaderboardStore.FileName));
        return ValueTask.FromResult(store?.MethodRuns() ?? []);
    }
}
