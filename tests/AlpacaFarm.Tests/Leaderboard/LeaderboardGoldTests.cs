using AlpacaFarm.Leaderboard;

namespace AlpacaFarm.Tests.Leaderboard;

public sealed class LeaderboardGoldTests : IDisposable
{
    private readonly TempDatabase _db = new();

    public void Dispose() => _db.Dispose();

    [Fact]
    public void Gold_columns_round_trip_and_stay_null_elsewhere()
    {
        using var store = LeaderboardStore.Open(_db.Path);
        var farm = Samples.Evaluation(Samples.BoardA, "farm-model");
        farm = farm with { Aggregate = farm.Aggregate with { GoldWinRate = 42.5, GoldStandardError = 1.25 } };

        store.Save(farm, replace: false);
        store.Save(Samples.Evaluation(Samples.BoardA, "real-model"), replace: false);

        Assert.Equal((42.5, 1.25), (store.FindSubmission(Samples.BoardA.Id, "farm-model")!.Aggregate.GoldWinRate,
            store.FindSubmission(Samples.BoardA.Id, "farm-model")!.Aggregate.GoldStandardError));
        Assert.Null(store.FindSubmission(Samples.BoardA.Id, "real-model")!.Aggregate.GoldWinRate);
    }
}
