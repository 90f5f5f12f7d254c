using AlpacaFarm.Evaluation.Metrics;

namespace AlpacaFarm.Leaderboard;

/// <summary>A submission joined with its latest run and that run's aggregate, as Dapper reads it.</summary>
internal sealed class SubmissionRow
{
    public long Id { get; init; }
    public string BoardId { get; init; } = "";
    public string Name { get; init; } = "";
    public string ContentSha256 { get; init; } = "";
    public long Seed { get; init; }
    public string ProvenanceJson { get; init; } = "";
    public long FinishedAtMs { get; init; }
    public double? WinRate { get; init; }
    public double? StandardError { get; init; }
    public int NWins { get; init; }
    public int NWinsBase { get; init; }
    public int NDraws { get; init; }
    public int NTotal { get; init; }
    public double? DiscreteWinRate { get; init; }
    public string Mode { get; init; } = "";
    public double? AvgLength { get; init; }
    public double? LengthControlledWinRate { get; init; }
    public double? GoldWinRate { get; init; }
    public double? GoldStandardError { get; init; }
    public int NUnjudged { get; init; }
    public string? LcAbsence { get; init; }
    public string? IntegrityJson { get; init; }

    /// <summary>Columns in the names above, for <c>FROM submissions s JOIN evaluation_runs r JOIN aggregates a</c>.</summary>
    public const string Columns = """
        s.id AS Id, s.board_id AS BoardId, s.name AS Name, s.content_sha256 AS ContentSha256, s.seed AS Seed,
        s.provenance_json AS ProvenanceJson, r.finished_at_ms AS FinishedAtMs,
        a.win_rate AS WinRate, a.standard_error AS StandardError, a.n_wins AS NWins, a.n_wins_base AS NWinsBase,
        a.n_draws AS NDraws, a.n_total AS NTotal, a.discrete_win_rate AS DiscreteWinRate, a.mode AS Mode,
        a.avg_length AS AvgLength, a.length_controlled_win_rate AS LengthControlledWinRate,
        a.gold_win_rate AS GoldWinRate, a.gold_standard_error AS GoldStandardError, a.n_unjudged AS NUnjudged,
        a.lc_absence AS LcAbsence, a.integrity_json AS IntegrityJson
        """;

    public StoredSubmission ToRecord() => new(
        Id, BoardId, Name, ContentSha256, Seed, ProvenanceJsonContext.Read(ProvenanceJson),
        new AggregateRecord(
            new WinRateSummary(Real.Read(WinRate), Real.Read(StandardError), NWins, NWinsBase, NDraws, NTotal, Real.Read(DiscreteWinRate), Real.Read(AvgLength)),
            Mode, LengthControlledWinRate, GoldWinRate, GoldStandardError, NUnjudged, LcAbsence) { Integrity = IntegrityColumns.Read(IntegrityJson) },
        DateTimeOffset.FromUnixTimeMilliseconds(FinishedAtMs));
}
