using AlpacaFarm.Evaluation.Metrics;

namespace AlpacaFarm.Tests.Evaluation.Metrics;

public sealed class LengthControlledWinRateTests
{
    private const int Rows = 400;

    [Fact]
    public void A_baseline_against_itself_scores_fifty()
    {
        var preferences = Enumerable.Repeat<double?>(1.5, Rows).ToList();
        var lengths = Enumerable.Range(0, Rows).Select(i => 100 + (i % 37)).ToList();

        var result = LengthControlledWinRate.Compute(preferences, lengths, lengths);

        Assert.Equal(50, result.WinRate, 1e-6);
    }

    // The model is longer on 70% of rows; the annotator prefers the longer output 80% of the time
    // whichever side it is on, so at equal length the model is at 50%.
    [Fact]
    public void Wins_that_come_only_from_length_are_controlled_away()
    {
        var preferences = new List<double?>();
        var modelLengths = new List<int>();
        var baselineLengths = new List<int>();
        for (var i = 0; i < Rows; i++)
        {
            var modelLonger = i % 10 < 7;
            var longerWins = (i / 10) % 5 != 0;
            var gap = 50 + (10 * (i % 7));
            preferences.Add(modelLonger == longerWins ? 2 : 1);
            modelLengths.Add(modelLonger ? 300 + gap : 300 - gap);
            baselineLengths.Add(300);
        }

        var raw = WinRate.Compute(preferences, modelLengths).WinRate;
        var result = LengthControlledWinRate.Compute(preferences, modelLengths, baselineLengths);

        Assert.Equal(62, raw, 1e-9);
        Assert.True(result.LengthWeight < 0, $"longer model outputs should help the model, got {result.LengthWeight}");
        Assert.True(Math.Abs(result.WinRate - 50) < Math.Abs(raw - 50) / 3, $"LC {result.WinRate} vs raw {raw}");
    }

    // Losses come in runs of five so that every cross-validation fold (row mod 5) sees 80% wins.
    [Fact]
    public void Wins_independent_of_length_are_kept()
    {
        var preferences = Enumerable.Range(0, Rows).Select(i => (double?)((i / 5) % 5 != 0 ? 2 : 1)).ToList();
        var modelLengths = Enumerable.Range(0, Rows).Select(i => 200 + (25 * (i % 9))).ToList();
        var baselineLengths = Enumerable.Repeat(300, Rows).ToList();

        var raw = WinRate.Compute(preferences, modelLengths).WinRate;
        var result = LengthControlledWinRate.Compute(preferences, modelLengths, baselineLengths);

        Assert.Equal(80, raw, 1e-9);
        Assert.Equal(raw, result.WinRate, 3.0);
    }

    [Fact]
    public void Dropped_preferences_leave_the_fit_and_too_few_rows_give_nan()
    {
        var preferences = Enumerable.Range(0, 20).Select(i => i < 9 ? (double?)2 : null).ToList();
        var lengths = Enumerable.Repeat(10, 20).ToList();

        var result = LengthControlledWinRate.Compute(preferences, lengths, lengths);

        Assert.True(double.IsNaN(result.WinRate));
        Assert.True(double.IsNaN(result.LengthWeight));
    }
}
