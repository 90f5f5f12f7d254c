using AlpacaFarm.Leaderboard;
using AlpacaFarm.Runner.Configuration;
using AlpacaFarm.Runner.Methods;
using Mediator;

namespace AlpacaFarm.Application.Methods;

/// <summary>
/// The recorded method runs, newest first (<c>alpacafarm runs</c>); reads only. A run recorded as running whose process is
/// gone (nobody holds its key's run lock) is shown as interrupted; the key's next run records it so.
/// </summary>
public sealed record ListRuns : IQuery<IReadOnlyList<MethodRunRecord>>;

public sealed class ListRunsHandler(AlpacaFarmHome home) : IQueryHandler<ListRuns, IReadOnlyList<MethodRunRecord>>
{
    public ValueTask<IReadOnlyList<MethodRunRecord>> Handle(ListRuns query, CancellationToken cancellationToken)
    {
        using var store = LeaderboardStore.OpenReadOnly(Path.Combine(home.Path, LeaderboardStore.FileName));
        var runs = store?.MethodRuns() ?? [];
        return ValueTask.FromResult<IReadOnlyList<MethodRunRecord>>(
            [.. runs.Select(run => run.Status == MethodRunStatus.Running && !RunLocks.IsRunning(home.Path, run.RunKey)
                ? run with { Status = MethodRunStatus.Interrupted, Reason = MethodRunStatus.InterruptedReason }
                : run)]);
    }
}
