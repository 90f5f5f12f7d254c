using AlpacaFarm.Leaderboard;

namespace AlpacaFarm.Tests.Leaderboard;

/// <summary>A row stored while some pairs could not be judged is incomplete until a run of the same content judges them.</summary>
public sealed class IncompleteRowTests : IDisposable
{
    private readonly TempDatabase _db = new();

    public void Dispose() => _db.Dispose();

    private static EvaluationRecord Row(string name, int unjudged, double winRate = 50, string content = "content-1")
    {
        var record = Samples.Evaluation(Samples.BoardA, name, content, winRate: winRate);
        return record with { Aggregate = record.Aggregate with { NUnjudged = unjudged } };
    }

    [Fact]
    public void A_rerun_that_judges_the_missing_pairs_completes_the_row_without_replace()
    {
        using var store = LeaderboardStore.Open(_db.Path);
        Assert.Equal(SaveOutcome.Inserted, store.Save(Row("m", unjudged: 2, winRate: 40), replace: false));

        Assert.Equal(SaveOutcome.Completed, store.Save(Row("m", unjudged: 0, winRate: 45), replace: false));

        var stored = store.FindSubmission(Samples.BoardA.Id, "m")!;
        Assert.True(stored.Aggregate.IsComplete);
        Assert.Equal(45, stored.Aggregate.WinRate);
        Assert.Equal(1, _db.Scalar("SELECT COUNT(*) FROM submissions"));
        Assert.Equal(1, _db.Scalar("SELECT COUNT(*) FROM evaluation_runs"));
        Assert.Equal(3, _db.Scalar("SELECT COUNT(*) FROM outputs"));
    }

    [Fact]
    public void A_run_no_more_complete_than_the_stored_row_changes_nothing()
    {
        using var store = LeaderboardStore.Open(_db.Path);
        store.Save(Row("partial", unjudged: 2, winRate: 40), replace: false);
        store.Save(Row("complete", unjudged: 0, winRate: 40), replace: false);
        var before = _db.Counts();

        Assert.Equal(SaveOutcome.Unchanged, store.Save(Row("partial", unjudged: 2, winRate: 41), replace: false));
        Assert.Equal(SaveOutcome.Unchanged, store.Save(Row("partial", unjudged: 3, winRate: 41), replace: true));
        Assert.Equal(SaveOutcome.Unchanged, store.Save(Row("complete", unjudged: 1, winRate: 41), replace: true));

        Assert.Equal(before, _db.Counts());
        Assert.Equal(2, store.FindSubmission(Samples.BoardA.Id, "partial")!.Aggregate.NUnjudged);
        Assert.Equal(40, store.FindSubmission(Samples.BoardA.Id, "complete")!.Aggregate.WinRate);
    }

    [Fact]
    public void Incomplete_rows_rank_after_every_complete_row()
    {
        using var store = LeaderboardStore.Open(_db.Path);
        store.Save(Row("incomplete-high", unjudged: 1, winRate: 90), replace: false);
        store.Save(Row("complete-low", unjudged: 0, winRate: 10, content: "c2"), replace: false);
        store.Save(Row("complete-mid", unjudged: 0, winRate: 50, content: "c3"), replace: false);

        Assert.Equal(["complete-mid", "complete-low", "incomplete-high"], store.Ranking(Samples.BoardA.Id, RankingOrder.WinRate).Select(row => row.Name));
        Assert.Equal(["complete-mid", "complete-low", "incomplete-high"], store.Ranking(Samples.BoardA.Id, RankingOrder.LengthControlled).Select(row => row.Name));
    }
}
