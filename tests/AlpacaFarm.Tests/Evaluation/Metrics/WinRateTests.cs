using AlpacaFarm.Evaluation.Metrics;

namespace AlpacaFarm.Tests.Evaluation.Metrics;

public sealed class WinRateTests
{
    private static List<double?> Rows(int wins, int losses, int draws, double drawValue = 1.5) =>
    [
        .. Enumerable.Repeat<double?>(2, wins),
        .. Enumerable.Repeat<double?>(1, losses),
        .. Enumerable.Repeat<double?>(drawValue, draws),
    ];

    // 328 wins, 469 losses and 8 draws over AlpacaEval's 805 instructions: the published 41.2422 ± 1.7272.
    [Fact]
    public void Published_counts_give_the_published_win_rate()
    {
        var summary = WinRate.Compute(Rows(328, 469, 8), Enumerable.Repeat(1000, 805).ToList());

        Assert.Equal(41.2422, summary.WinRate, 4);
        Assert.Equal(1.7272, summary.StandardError, 4);
        Assert.Equal((328, 469, 8, 805), (summary.NWins, summary.NWinsBase, summary.NDraws, summary.NTotal));
        Assert.Equal(41.2422, summary.DiscreteWinRate, 4);
        Assert.Equal(1000, summary.AvgLength);
    }

    [Fact]
    public void Legacy_zero_preferences_are_draws()
    {
        var summary = WinRate.Compute(Rows(205, 584, 16, drawValue: 0), Enumerable.Repeat(1, 805).ToList());

        Assert.Equal(26.4596, summary.WinRate, 4);
        Assert.Equal(1.5357, summary.StandardError, 4);
        Assert.Equal((205, 584, 16, 805), (summary.NWins, summary.NWinsBase, summary.NDraws, summary.NTotal));
    }

    [Fact]
    public void Missing_nan_and_out_of_range_preferences_are_dropped()
    {
        List<double?> preferences = [2, 1, null, double.NaN, 2.5, 0.5, -1];

        var summary = WinRate.Compute(preferences, [10, 20, 30, 40, 50, 60, 70]);

        Assert.Equal(2, summary.NTotal);
        Assert.Equal(50, summary.WinRate, 10);
        Assert.Equal(50, summary.StandardError, 10);
        // Lengths are averaged over every output of the model, dropped rows included.
        Assert.Equal(40, summary.AvgLength, 10);
    }

    [Fact]
    public void Continuous_preferences_count_in_the_mean_only()
    {
        var summary = WinRate.Compute([1.3, 2, 1], [1, 1, 1]);

        Assert.Equal(100 * 1.3 / 3, summary.WinRate, 10);
        Assert.Equal((1, 2, 0, 3), (summary.NWins, summary.NWinsBase, summary.NDraws, summary.NTotal));
        // Rounded, 1.3 is a loss.
        Assert.Equal(100.0 / 3, summary.DiscreteWinRate, 10);
    }

    [Fact]
    public void A_single_row_has_no_standard_error()
    {
        var summary = WinRate.Compute([2], [5]);

        Assert.Equal(100, summary.WinRate);
        Assert.True(double.IsNaN(summary.StandardError));
    }

    [Fact]
    public void Lengths_count_code_points_like_python()
    {
        const string text = "héllo 😀";

        Assert.Equal(8, text.Length);
        Assert.Equal(7, WinRate.CodePointLength(text));
    }
}
