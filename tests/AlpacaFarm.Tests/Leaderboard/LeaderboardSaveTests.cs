using AlpacaFarm.Leaderboard;
using Microsoft.Data.Sqlite;

namespace AlpacaFarm.Tests.Leaderboard;

public sealed class LeaderboardSaveTests : IDisposable
{
    private readonly TempDatabase _db = new();

    public void Dispose() => _db.Dispose();

    [Fact]
    public void Save_round_trips_every_field()
    {
        var record = Samples.Evaluation(Samples.BoardA, "sft-7b", rows: 805, lengthControlled: null);
        record = record with { Aggregate = record.Aggregate with { LcAbsence = "the length-controlled GLM's fit did not converge" } };
        using var store = LeaderboardStore.Open(_db.Path);

        Assert.Equal(SaveOutcome.Inserted, store.Save(record, replace: false));

        var stored = store.FindSubmission(Samples.BoardA.Id, "sft-7b");
        Assert.NotNull(stored);
        Assert.Equal(Samples.BoardA.Id, stored.BoardId);
        Assert.Equal("sft-7b", stored.Name);
        Assert.Equal(record.ContentSha256, stored.ContentSha256);
        Assert.Equal(record.Provenance.Seed, stored.Seed);
        AssertSameProvenance(record.Provenance, stored.Provenance);
        Assert.Equal(record.Aggregate, stored.Aggregate); // record equality: NaN equals NaN, null equals null
        Assert.True(double.IsNaN(stored.Aggregate.StandardError));
        Assert.Null(stored.Aggregate.LengthControlledWinRate);
        Assert.Equal("the length-controlled GLM's fit did not converge", stored.Aggregate.LcAbsence);
        Assert.Equal(record.FinishedAt, stored.EvaluatedAt);
        Assert.Equal(TimeSpan.Zero, stored.EvaluatedAt.Offset);
        Assert.Equal(record.Outputs, store.Outputs(stored.Id));
        Assert.Equal(record.Annotations, store.Annotations(stored.Id));
        Assert.Equal([stored], store.Ranking(Samples.BoardA.Id, RankingOrder.WinRate), SameSubmission);

        using var connection = _db.Connect();
        using var run = new SqliteCommand(
            "SELECT started_at_ms, finished_at_ms, total_price, total_annotator_seconds, annotator_calls FROM evaluation_runs", connection)
            .ExecuteReader();
        Assert.True(run.Read());
        Assert.Equal(record.StartedAt.ToUnixTimeMilliseconds(), run.GetInt64(0));
        Assert.Equal(record.FinishedAt.ToUnixTimeMilliseconds(), run.GetInt64(1));
        Assert.Equal(record.TotalPrice, run.GetDouble(2));
        Assert.Equal(record.TotalAnnotatorSeconds, run.GetDouble(3));
        Assert.Equal(record.AnnotatorCalls, run.GetInt32(4));
    }

    [Fact]
    public void Same_content_and_seed_is_unchanged_and_writes_nothing()
    {
        using var store = LeaderboardStore.Open(_db.Path);
        store.Save(Samples.Evaluation(Samples.BoardA, "m"), replace: false);
        var before = _db.Counts();

        Assert.Equal(SaveOutcome.Unchanged, store.Save(Samples.Evaluation(Samples.BoardA, "m"), replace: false));
        Assert.Equal(SaveOutcome.Unchanged, store.Save(Samples.Evaluation(Samples.BoardA, "m"), replace: true));

        Assert.Equal(before, _db.Counts());
        Assert.Equal(1, _db.Scalar("SELECT MAX(id) FROM evaluation_runs"));
    }

    [Theory]
    [InlineData("content-2", 0)]
    [InlineData("content-1", 1)]
    public void Different_content_or_seed_conflicts_and_keeps_the_stored_rows(string content, long seed)
    {
        using var store = LeaderboardStore.Open(_db.Path);
        store.Save(Samples.Evaluation(Samples.BoardA, "m", winRate: 40), replace: false);
        var before = store.FindSubmission(Samples.BoardA.Id, "m")!;
        var outputsBefore = store.Outputs(before.Id);
        var counts = _db.Counts();

        var error = Assert.Throws<SubmissionConflictException>(
            () => store.Save(Samples.Evaluation(Samples.BoardA, "m", content, seed, rows: 5, winRate: 90), replace: false));

        Assert.Contains(Samples.BoardA.Id, error.Message);
        Assert.Contains("'m'", error.Message);
        Assert.Contains("--replace", error.Message);
        Assert.Equal(counts, _db.Counts());
        Assert.Equal(before, store.FindSubmission(Samples.BoardA.Id, "m"), SameSubmission);
        Assert.Equal(outputsBefore, store.Outputs(before.Id));
    }

    [Fact]
    public void Replace_deletes_the_old_submission_and_everything_under_it()
    {
        using var store = LeaderboardStore.Open(_db.Path);
        store.Save(Samples.Evaluation(Samples.BoardA, "m", rows: 4), replace: false);
        store.Save(Samples.Evaluation(Samples.BoardA, "other"), replace: false);
        var old = store.FindSubmission(Samples.BoardA.Id, "m")!;

        var replacement = Samples.Evaluation(Samples.BoardA, "m", "content-2", rows: 2, winRate: 77);
        Assert.Equal(SaveOutcome.Replaced, store.Save(replacement, replace: true));

        var stored = store.FindSubmission(Samples.BoardA.Id, "m")!;
        Assert.NotEqual(old.Id, stored.Id);
        Assert.Equal("content-2", stored.ContentSha256);
        Assert.Equal(77, stored.Aggregate.WinRate);
        Assert.Empty(store.Outputs(old.Id));
        Assert.Empty(store.Annotations(old.Id));
        Assert.Equal(replacement.Outputs, store.Outputs(stored.Id));
        var counts = _db.Counts();
        Assert.Equal(1, counts["boards"]);
        Assert.Equal(2, counts["submissions"]);
        Assert.Equal(2 + 3, counts["outputs"]);
        Assert.Equal(2, counts["evaluation_runs"]);
        Assert.Equal(2 + 3, counts["annotations"]);
        Assert.Equal(2, counts["aggregates"]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_failure_midway_rolls_everything_back(bool replacingExisting)
    {
        using var store = LeaderboardStore.Open(_db.Path);
        store.Save(Samples.Evaluation(Samples.BoardA, "kept"), replace: false);
        var kept = store.FindSubmission(Samples.BoardA.Id, "kept")!;
        var counts = _db.Counts();

        // Two outputs with one index break the outputs primary key after the board and submission rows went in.
        var board = replacingExisting ? Samples.BoardA : Samples.BoardB;
        var good = Samples.Evaluation(board, replacingExisting ? "kept" : "broken", "content-9");
        var broken = good with { Outputs = [.. good.Outputs, good.Outputs[0]] };

        var error = Assert.Throws<LeaderboardDatabaseException>(() => store.Save(broken, replace: true));

        Assert.StartsWith($"leaderboard database '{_db.Path}': SQLite Error 19", error.Message); // a constraint failed, in this file
        Assert.IsType<SqliteException>(error.InnerException);

        Assert.Equal(counts, _db.Counts());
        Assert.Equal([Samples.BoardA.Id], store.Boards().Select(b => b.Identity.Id));
        Assert.Equal(kept, store.FindSubmission(Samples.BoardA.Id, "kept"), SameSubmission);
        Assert.Equal(3, store.Outputs(kept.Id).Count);
        // The store is still usable after the rollback.
        Assert.Equal(replacingExisting ? SaveOutcome.Replaced : SaveOutcome.Inserted, store.Save(good, replace: true));
    }

    [Fact]
    public void Unknown_kind_or_mode_is_refused_before_writing()
    {
        using var store = LeaderboardStore.Open(_db.Path);
        var record = Samples.Evaluation(Samples.BoardA, "m");

        Assert.Throws<ArgumentException>(() => store.Save(record with { Provenance = record.Provenance with { Kind = "weights" } }, false));
        Assert.Throws<ArgumentException>(() => store.Save(record with { Provenance = record.Provenance with { Mode = "trusted" } }, false));
        Assert.Equal(0, _db.Counts().Values.Sum());
    }

    internal static readonly IEqualityComparer<StoredSubmission?> SameSubmission = EqualityComparer<StoredSubmission?>.Create(
        (a, b) => a is not null && b is not null
            && a with { Provenance = b.Provenance } == b && SameProvenance(a.Provenance, b.Provenance));

    private static void AssertSameProvenance(SubmissionProvenance expected, SubmissionProvenance actual)
    {
        Assert.Equal(expected with { Hyperparameters = actual.Hyperparameters, Decoding = actual.Decoding }, actual);
        Assert.Equal(expected.Hyperparameters.OrderBy(p => p.Key), actual.Hyperparameters.OrderBy(p => p.Key));
        Assert.Equal(expected.Decoding.OrderBy(p => p.Key), actual.Decoding.OrderBy(p => p.Key));
    }

    private static bool SameProvenance(SubmissionProvenance a, SubmissionProvenance b) =>
        a with { Hyperparameters = b.Hyperparameters, Decoding = b.Decoding } == b
        && a.Hyperparameters.OrderBy(p => p.Key).SequenceEqual(b.Hyperparameters.OrderBy(p => p.Key))
        && a.Decoding.OrderBy(p => p.Key).SequenceEqual(b.Decoding.OrderBy(p => p.Key));
}
