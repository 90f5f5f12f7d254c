using System.Text.Json;
using AlpacaFarm.Evaluation.Integrity;
using Dapper;
using Microsoft.Data.Sqlite;

namespace AlpacaFarm.Leaderboard;

/// <summary>
/// A row's integrity flags in the aggregates table: <see cref="IntegrityChecks"/> run on the outputs and win rates being
/// saved, stored as a JSON array beside whether they list the row apart. The one place the store calls the checks.
/// </summary>
internal static class IntegrityColumns
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The flags of a row about to be stored.</summary>
    public static IntegrityFlags Check(IEnumerable<SubmittedOutput> outputs, AggregateRecord aggregate) =>
        IntegrityChecks.Check([.. outputs.Select(output => (output.Instruction, output.Output))], aggregate.WinRate, aggregate.LengthControlledWinRate,
            aggregate.GoldWinRate);

    public static string Write(IntegrityFlags flags) => JsonSerializer.Serialize(flags.ToArray(), Json);

    public static IntegrityFlags Read(string? json) =>
        string.IsNullOrEmpty(json) ? IntegrityFlags.None : new IntegrityFlags(JsonSerializer.Deserialize<List<IntegrityFlag>>(json, Json) ?? []);

    /// <summary>Migration 7's step: every stored row checked from its outputs and its aggregate.</summary>
    internal static void Migrate(SqliteConnection connection, SqliteTransaction transaction, string home)
    {
        var aggregates = connection.Query<(long RunId, long SubmissionId, double? WinRate, double? Lc, double? Gold)>("""
            SELECT a.run_id, r.submission_id, a.win_rate, a.length_controlled_win_rate, a.gold_win_rate
            FROM aggregates a JOIN evaluation_runs r ON r.id = a.run_id
            """, transaction: transaction).ToList();
        foreach (var (runId, submissionId, winRate, lc, gold) in aggregates)
        {
            var rows = connection.Query<(string Instruction, string Output)>(
                "SELECT instruction, output FROM outputs WHERE submission_id = @SubmissionId ORDER BY row_index", new { SubmissionId = submissionId },
                transaction).ToList();
            var flags = IntegrityChecks.Check(rows, winRate ?? double.NaN, lc, gold);
            connection.Execute("UPDATE aggregates SET integrity_json = @Json, integrity_unranked = @Unranked WHERE run_id = @RunId",
                new { Json = Write(flags), Unranked = flags.Ranked ? 0 : 1, RunId = runId }, transaction);
        }
    }
}
