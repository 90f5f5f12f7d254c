using AlpacaFarm.Evaluation.Metrics;
using AlpacaFarm.Application.Leaderboards;
using AlpacaFarm.Host.Output;
using AlpacaFarm.Leaderboard;
using AlpacaFarm.Tests.Leaderboard;

namespace AlpacaFarm.Tests.Cli;

/// <summary>Names come from files and users: Markdown and CSV must show them as text, never run them.</summary>
public sealed class LeaderboardFormatsTests
{
    private static StoredSubmission Stored(string name, int unjudged = 0) => new(1, Samples.BoardA.Id, name, "c", 0, Samples.Provenance(),
        new AggregateRecord(new WinRateSummary(61.25, 1.5, 5, 3, 0, 8, 62.5, 120), "community", 55.5, nUnjudged: unjudged), DateTimeOffset.UnixEpoch);

    private static RankedBoard Board(params StoredSubmission[] rows) => new(Samples.BoardA with { PoolName = "<b>pool</b>" }, rows);

    [Fact]
    public void Markdown_text_escapes_html_and_markdown_marks_and_keeps_one_line()
    {
        Assert.Equal("&lt;script&gt;alert(1)&lt;/script&gt; \\| \\*x\\* \\[a\\](b) &amp;", LeaderboardFormats.MarkdownText("<script>alert(1)</script>\n| *x* [a](b) &"));
    }

    [Fact]
    public void A_markdown_table_has_one_line_per_row_whatever_the_names_hold()
    {
        var md = LeaderboardFormats.Markdown([Board(Stored("evil\n| 1 | injected |"), Stored("<img src=x onerror=alert(1)>"))]);

        var lines = md.Split('\n');
        Assert.Equal(2, lines.Count(line => line.StartsWith("| 1 ", StringComparison.Ordinal) || line.StartsWith("| 2 ", StringComparison.Ordinal)));
        Assert.DoesNotContain("<img", md);
        Assert.DoesNotContain("<b>", md);
        Assert.Contains("| 1 | evil \\| 1 \\| injected \\| |", md);
        Assert.Contains("&lt;b&gt;pool&lt;/b&gt;", md);
    }

    [Theory]
    [InlineData("=HYPERLINK(\"http://x\")", "\"'=HYPERLINK(\"\"http://x\"\")\"")]
    [InlineData("+1+2", "'+1+2")]
    [InlineData("-2+3", "'-2+3")]
    [InlineData("@SUM(A1)", "'@SUM(A1)")]
    [InlineData("\tcmd", "'\tcmd")]
    [InlineData("plain, with comma", "\"plain, with comma\"")]
    [InlineData("model-7b", "model-7b")]
    public void Csv_text_cells_that_a_spreadsheet_would_run_are_neutralised(string text, string cell)
    {
        Assert.Equal(cell, LeaderboardFormats.CsvCell(text));
    }

    [Fact]
    public void Numbers_keep_their_sign_in_csv()
    {
        Assert.Equal("-1.5", LeaderboardFormats.CsvCell(-1.5));
        Assert.Equal("-3", LeaderboardFormats.CsvCell(-3));
    }

    [Fact]
    public void The_lc_standard_error_is_absent_in_every_format_never_zero()
    {
        var row = LeaderboardFormats.Row("m", "b", Stored("m").Aggregate);
        var csv = LeaderboardFormats.Csv([Board(Stored("m"))]).Split('\n');
        var md = LeaderboardFormats.Markdown([Board(Stored("m"))]);

        Assert.True(row.ContainsKey("lc_standard_error"));
        Assert.Null(row["lc_standard_error"]);
        var header = csv[0].Split(',');
        var cells = csv[1].Split(',');
        Assert.Equal("55.5", cells[Array.IndexOf(header, "length_controlled_winrate")]);
        Assert.Equal("", cells[Array.IndexOf(header, "lc_standard_error")]);
        Assert.Contains("| 55.50 | – |", md);
    }

    [Fact]
    public void An_incomplete_row_is_unranked_and_says_how_many_pairs_are_unjudged()
    {
        var md = LeaderboardFormats.Markdown([Board(Stored("done"), Stored("partial", unjudged: 7))]);
        var csv = LeaderboardFormats.Csv([Board(Stored("partial", unjudged: 7))]).Split('\n');

        Assert.Contains("| 1 | done |", md);
        Assert.Contains("| – | partial (incomplete: 7 unjudged) |", md);
        Assert.Equal("7", csv[1].Split(',')[Array.IndexOf(csv[0].Split(','), "n_unjudged")]);
    }

    [Fact]
    public void A_row_without_an_lc_win_rate_carries_its_reason_in_csv_json_and_a_note()
    {
        var reason = "the length-controlled GLM needs at least 10 judged pairs (got 4)";
        var absent = Stored("few") with { Aggregate = Stored("few").Aggregate with { LengthControlledWinRate = null, LcAbsence = reason } };
        var boards = new[] { Board(absent, Stored("many")) };

        var csv = LeaderboardFormats.Csv(boards).Split('\n');
        var row = LeaderboardFormats.Row("few", Samples.BoardA.Id, absent.Aggregate);

        Assert.EndsWith(",lc_absence,integrity_flags", csv[0]);
        Assert.EndsWith($",0,{LeaderboardFormats.CsvCell(reason)},", csv[1]);
        Assert.EndsWith(",0,,", csv[2]);
        Assert.Null(row["length_controlled_winrate"]);
        Assert.Equal(reason, row["lc_absence"]);
        Assert.Equal([$"No LC win rate for few: {reason}."], LeaderboardFormats.LcNotes([("few", absent.Aggregate), ("many", Stored("many").Aggregate)]));
        Assert.Contains($"No LC win rate for few: {reason}.", LeaderboardFormats.Markdown(boards));
    }
}
