using AlpacaFarm.Leaderboard;
using AlpacaFarm.Runner.Configuration;
using Mediator;

namespace AlpacaFarm.Application.Leaderboards;

/// <summary>Every board (or one), each ranked on its own.</summary>
public sealed record GetLeaderboard(string? BoardId, RankingOrder Order) : IQuery<IReadOnlyList<RankedBoard>>;

public sealed record RankedBoard(BoardIdentity Board, IReadOnlyList<StoredSubmission> Rows);

/// <summary>Reads only: a home without a database stays without one, and a file that is not a leaderboard is refused untouched.</summary>
public sealed class GetLeaderboardHandler(AlpacaFarmHome home) : IQueryHandler<GetLeaderboard, IReadOnlyList<RankedBoard>>
{
    public ValueTask<IReadOnlyList<RankedBoard>> Handle(GetLeaderboard query, CancellationToken cancellationToken)
    {
        using var store = LeaderboardStore.OpenReadOnly(Path.Combine(home.Path, LeaderboardStore.FileName));
        var all = store?.Boards() ?? [];
        var boards = all.Where(board => query.BoardId is null || board.Identity.Id == query.BoardId).ToList();
        if (query.BoardId is not null && boards.Count == 0)
            throw new ArgumentException(all.Count == 0
                ? $"no board '{query.BoardId}': nothing is stored yet"
                : $"no board '{query.BoardId}' (boards: {string.Join(", ", all.Select(b => b.Identity.Id))})");
        return ValueTask.FromResult<IReadOnlyList<RankedBoard>>(
            boards.Select(board => new RankedBoard(board.Identity, store!.Ranking(board.Identity.Id, query.Order))).ToList());
    }
}
