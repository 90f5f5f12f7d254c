using System.Globalization;
using System.Text;
using AlpacaFarm.Application.Leaderboards;
using AlpacaFarm.Evaluation.Integrity;
using AlpacaFarm.Leaderboard;
using Spectre.Console;

namespace AlpacaFarm.Host.Output;

/// <summary>Leaderboard rows as people and AlpacaEval's tools read them: table, CSV, JSON and Markdown.</summary>
public static class LeaderboardFormats
{
    /// <summary>AlpacaEval's leaderboard.csv columns, in order, after the unnamed index (the model name).</summary>
    public static readonly string[] AlpacaEvalColumns =
    [
        "win_rate", "standard_error", "n_wins", "n_wins_base", "n_draws", "n_total", "discrete_win_rate", "mode",
        "avg_length", "length_controlled_winrate", "lc_standard_error",
    ];

    /// <summary>Printed where a value is absent (no LC standard error, no gold on real text, a rank of an incomplete row).</summary>
    public const string Absent = "–";

    /// <summary>One row as an ordered column → value map; avg_length is an integer as in AlpacaEval; lc_standard_error is
    /// always null (see <see cref="AggregateRecord.LcStandardErrorAbsence"/>).</summary>
    public static IReadOnlyDictionary<string, object?> Row(string name, string boardId, AggregateRecord a) =>
        Cells(name, boardId, a).ToDictionary(cell => cell.Key, cell => cell.Value);

    private static IReadOnlyList<KeyValuePair<string, object?>> Cells(string name, string boardId, AggregateRecord a) =>
    [
        new("name", name),
        new("win_rate", Finite(a.WinRate)),
        new("standard_error", Finite(a.StandardError)),
        new("n_wins", a.NWins),
        new("n_wins_base", a.NWinsBase),
        new("n_draws", a.NDraws),
        new("n_total", a.NTotal),
        new("discrete_win_rate", Finite(a.DiscreteWinRate)),
        new("mode", a.Mode),
        new("avg_length", (int)a.AvgLength),
        new("length_controlled_winrate", a.LengthControlledWinRate),
        new("lc_standard_error", null),
        new("board", boardId),
        new("gold_win_rate", a.GoldWinRate),
        new("gold_standard_error", a.GoldStandardError),
        new("n_unjudged", a.NUnjudged),
        new("lc_absence", a.LcAbsence),
        new("integrity_flags", a.Integrity.Count == 0 ? null : string.Join(";", a.Integrity.Select(flag => flag.Id))),
    ];

    /// <summary>One line per integrity flag of each row, for under a table: what was found, and whether it unranks the row.</summary>
    public static IEnumerable<string> IntegrityNotes(IEnumerable<(string Name, IntegrityFlags Flags)> rows) =>
        rows.SelectMany(row => row.Flags.Select(flag =>
            $"{row.Name}: {flag.Id}: {flag.Detail}{(flag.Unranks ? " (listed apart, unranked)" : " (a finding; ranked)")}."));

    /// <summary>One line per row without an LC win rate whose reason was recorded, for under a table.</summary>
    public static IEnumerable<string> LcNotes(IEnumerable<(string Name, AggregateRecord Aggregate)> rows) =>
        rows.Where(row => row.Aggregate.LengthControlledWinRate is null && row.Aggregate.LcAbsence is not null)
            .Select(row => $"No LC win rate for {row.Name}: {row.Aggregate.LcAbsence}.");

    /// <summary>A ranked table; gold ("human") columns appear when any row has them (farm boards), and an integrity column when
    /// any row raised a flag. An incomplete row (pairs left unjudged) or one an integrity flag lists apart gets no rank.</summary>
    public static Table Table(IReadOnlyList<(string Name, AggregateRecord Aggregate)> rows)
    {
        var gold = rows.Any(row => row.Aggregate.GoldWinRate is not null);
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumns("#", "name", "win rate", "± SE", "LC win rate", "± SE");
        if (gold) table.AddColumns("gold win rate", "± SE");
        table.AddColumns("wins/losses/draws", "n", "avg length", "mode");
        var flagged = rows.Any(row => row.Aggregate.Integrity.Count > 0);
        if (flagged) table.AddColumns("integrity");
        var rank = 0;
        foreach (var (name, a) in rows)
        {
            List<string> cells = [Rank(ref rank, a), Markup.Escape(name + Incomplete(a)), Fixed(a.WinRate), Fixed(a.StandardError),
                Fixed(a.LengthControlledWinRate), Absent];
            if (gold) cells.AddRange([Fixed(a.GoldWinRate), Fixed(a.GoldStandardError)]);
            cells.AddRange([$"{a.NWins}/{a.NWinsBase}/{a.NDraws}", a.NTotal.ToString(CultureInfo.InvariantCulture),
                ((int)a.AvgLength).ToString(CultureInfo.InvariantCulture), a.Mode]);
            if (flagged) cells.Add(Markup.Escape(Flags(a)));
            table.AddRow(cells.ToArray());
        }
        return table;
    }

    /// <summary>AlpacaEval's CSV: the name as unnamed index, its columns in order, then the board.</summary>
    public static string Csv(IEnumerable<RankedBoard> boards)
    {
        var csv = new StringBuilder("," + string.Join(",", AlpacaEvalColumns) + ",board,gold_win_rate,gold_standard_error,n_unjudged,lc_absence,integrity_flags\n");
        foreach (var board in boards)
        {
            foreach (var row in board.Rows)
                csv.Append(string.Join(",", Cells(row.Name, board.Board.Id, row.Aggregate).Select(cell => CsvCell(cell.Value)))).Append('\n');
        }
        return csv.ToString();
    }

    public static string Markdown(IEnumerable<RankedBoard> boards)
    {
        var md = new StringBuilder();
        foreach (var board in boards)
        {
            md.Append($"## Board {board.Board.Id}\n\n{MarkdownText(Describe(board.Board))}\n\n");
            var gold = board.Rows.Any(row => row.Aggregate.GoldWinRate is not null);
            md.Append("| # | name | win rate | SE | LC win rate | LC SE |").Append(gold ? " gold win rate | gold SE |" : "")
                .Append(" wins | losses | draws | n | avg length | mode | integrity |\n");
            md.Append("|---:|---|---:|---:|---:|---:|").Append(gold ? "---:|---:|" : "").Append("---:|---:|---:|---:|---:|---|---|\n");
            var rank = 0;
            foreach (var row in board.Rows)
            {
                var a = row.Aggregate;
                md.Append($"| {Rank(ref rank, a)} | {MarkdownText(row.Name + Incomplete(a))} | {Fixed(a.WinRate)} | {Fixed(a.StandardError)} | {Fixed(a.LengthControlledWinRate)} | {Absent} |")
                    .Append(gold ? $" {Fixed(a.GoldWinRate)} | {Fixed(a.GoldStandardError)} |" : "")
                    .Append($" {a.NWins} | {a.NWinsBase} | {a.NDraws} | {a.NTotal} | {(int)a.AvgLength} | {a.Mode} | {MarkdownText(Flags(a))} |\n");
            }
            foreach (var note in LcNotes(board.Rows.Select(row => (row.Name, row.Aggregate)))) md.Append('\n').Append(MarkdownText(note)).Append('\n');
            foreach (var note in IntegrityNotes(board.Rows.Select(row => (row.Name, row.Aggregate.Integrity)))) md.Append('\n').Append(MarkdownText(note)).Append('\n');
            md.Append('\n');
        }
        return md.ToString();
    }

    /// <summary>Boards with their identity and rows, for --format json.</summary>
    public static object Json(IEnumerable<RankedBoard> boards) => boards.Select(board => new
    {
        board = new
        {
            id = board.Board.Id,
            evaluation_set = board.Board.EvaluationSetId,
            evaluation_set_name = board.Board.EvaluationSetName,
            evaluation_set_sha256 = board.Board.EvaluationSetSha256,
            reference = board.Board.ReferenceName,
            reference_sha256 = board.Board.ReferenceSha256,
            pool = board.Board.PoolName,
            pool_hash = board.Board.PoolHash,
        },
        rows = board.Rows.Select(row => new Dictionary<string, object?>(Row(row.Name, board.Board.Id, row.Aggregate))
        {
            ["integrity"] = row.Aggregate.Integrity.Select(flag => new { id = flag.Id, detail = flag.Detail, unranks = flag.Unranks }),
        }),
    }).ToList();

    public static string Describe(BoardIdentity board) =>
        $"set {board.EvaluationSetName} ({board.EvaluationSetId}), reference {board.ReferenceName}, annotator pool {board.PoolName}";

    private static double? Finite(double value) => double.IsFinite(value) ? value : null;

    /// <summary>Two decimals, or <see cref="Absent"/> for a missing or non-finite value.</summary>
    public static string Fixed(double? value) => value is { } v && double.IsFinite(v) ? v.ToString("F2", CultureInfo.InvariantCulture) : Absent;

    private static string Rank(ref int rank, AggregateRecord a) => a.IsRanked ? (++rank).ToString(CultureInfo.InvariantCulture) : Absent;

    /// <summary>A row's integrity flags by id ("constant, judge-directed"), or <see cref="Absent"/>.</summary>
    public static string Flags(AggregateRecord a) => a.Integrity.Count == 0 ? Absent : string.Join(", ", a.Integrity.Select(flag => flag.Id));

    private static string Incomplete(AggregateRecord a) => a.IsComplete ? "" : $" (incomplete: {a.NUnjudged} unjudged)";

    /// <summary>
    /// Text from files and users (names, set and pool names) as literal Markdown: one line, Markdown's own marks
    /// backslash-escaped, and no raw HTML for a renderer that allows it.
    /// </summary>
    public static string MarkdownText(string text)
    {
        var md = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            md.Append(c switch
            {
                '<' => "&lt;",
                '>' => "&gt;",
                '&' => "&amp;",
                '\\' or '`' or '*' or '_' or '[' or ']' or '|' or '#' or '!' or '~' => "\\" + c,
                _ when char.IsControl(c) => " ",
                _ => c.ToString(),
            });
        }
        return md.ToString();
    }

    /// <summary>
    /// A CSV cell: text that a spreadsheet would run as a formula (starting with =, +, -, @, tab or carriage return) gets a
    /// leading apostrophe, as OWASP advises; then RFC 4180 quoting. Numbers are never text here, so negatives are untouched.
    /// </summary>
    public static string CsvCell(object? value)
    {
        switch (value)
        {
            case null: return "";
            case double d: return d.ToString("R", CultureInfo.InvariantCulture);
            case int i: return i.ToString(CultureInfo.InvariantCulture);
        }
        var text = Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";
        if (text.Length > 0 && text[0] is '=' or '+' or '-' or '@' or '\t' or '\r') text = "'" + text;
        return text.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + text.Replace("\"", "\"\"") + "\"" : text;
    }
}
