using AlpacaFarm.Leaderboard;

namespace AlpacaFarm.Tests.Leaderboard;

public sealed class LeaderboardRankingTests : IDisposable
{
    private readonly TempDatabase _db = new();

    public void Dispose() => _db.Dispose();

    [Fact]
    public void Board_id_is_the_first_12_hex_digits_of_the_identity_hash()
    {
        // python3 -c "import hashlib; print(hashlib.sha256(b'alpaca_eval|e5a1|9f3b|pool77').hexdigest()[:12])"
        Assert.Equal("c17ec31244f8", Samples.BoardA.Id);
        Assert.Equal(Samples.BoardA.Id, (Samples.BoardA with { EvaluationSetName = "x", ReferenceName = "y", PoolName = "z" }).Id);
        Assert.NotEqual(Samples.BoardA.Id, (Samples.BoardA with { EvaluationSetId = "other" }).Id);
        Assert.NotEqual(Samples.BoardA.Id, (Samples.BoardA with { EvaluationSetSha256 = "other" }).Id);
        Assert.NotEqual(Samples.BoardA.Id, (Samples.BoardA with { PoolHash = "other" }).Id);
        Assert.NotEqual(Samples.BoardA.Id, Samples.BoardB.Id);
    }

    [Fact]
    public void Rankings_never_mix_boards_and_order_best_first_with_missing_lc_last()
    {
        using var store = LeaderboardStore.Open(_db.Path);
        store.Save(Samples.Evaluation(Samples.BoardA, "a1", winRate: 60, lengthControlled: 55), replace: false);
        store.Save(Samples.Evaluation(Samples.BoardA, "a2", winRate: 70, lengthControlled: null), replace: false);
        store.Save(Samples.Evaluation(Samples.BoardA, "a3", winRate: 50, lengthControlled: 65), replace: false);
        store.Save(Samples.Evaluation(Samples.BoardB, "b1", winRate: 90, lengthControlled: 90), replace: false);
        // The same name on another board is another submission, not a conflict.
        Assert.Equal(SaveOutcome.Inserted, store.Save(Samples.Evaluation(Samples.BoardB, "a1", "other", winRate: 99), replace: false));

        Assert.Equal(["a2", "a1", "a3"], store.Ranking(Samples.BoardA.Id, RankingOrder.WinRate).Select(s => s.Name));
        Assert.Equal(["a3", "a1", "a2"], store.Ranking(Samples.BoardA.Id, RankingOrder.LengthControlled).Select(s => s.Name));
        Assert.All(store.Ranking(Samples.BoardA.Id, RankingOrder.WinRate), s => Assert.Equal(Samples.BoardA.Id, s.BoardId));
        Assert.Equal(["a1", "b1"], store.Ranking(Samples.BoardB.Id, RankingOrder.WinRate).Select(s => s.Name));
        Assert.Equal(60, store.FindSubmission(Samples.BoardA.Id, "a1")!.Aggregate.WinRate);
        Assert.Empty(store.Ranking("000000000000", RankingOrder.WinRate));

        var boards = store.Boards();
        Assert.Equal(2, boards.Count);
        Assert.Equal(3, boards.Single(b => b.Identity == Samples.BoardA).Submissions);
        Assert.Equal(2, boards.Single(b => b.Identity == Samples.BoardB).Submissions);
    }
}
