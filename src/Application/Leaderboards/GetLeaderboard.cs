using AlpacaFarm.Leaderboard;
using Mediator;

namespace AlpacaFarm.Application.Leaderboards;

/// <summary>Every board (or one), each ranked on its own.</summary>
public sealed record GetLeaderboard(string? BoardId, RankingOrder Order) : IQuery<IReadOnlyList<RankedBoard>>;

public sealed record RankedBoard(BoardIdentity Board, IReadOnlyList<StoredSubmission> Rows);

public sealed class GetLeaderboardHandler(LeaderboardStore store) : IQueryHandler<GetLeaderboard, IReadOnlyList<RankedBoard>>
{
    public ValueTask<IReadOnlyList<RankedBoard>> Handle(GetLeaderboard query, CancellationToken cancellationToken)
    {
        var all = store.Boards();
        var boards = all.Where(board => query.BoardId is null || board.Identity.Id == query.BoardId).ToList();
        if (query.BoardId is not null && boards.Count == 0)
            throw new ArgumentException($"no board '{query.BoardId}' (boards: {string.Join(", ", all.Select(b => b.Identity.Id))})");
        return ValueTask.FromResult<IReadOnlyList<RankedBoard>>(
            boards.Select(board => new RankedBoard(board.Identity, store.Ranking(board.Identity.Id, query.Order))).ToList());
    }
}
