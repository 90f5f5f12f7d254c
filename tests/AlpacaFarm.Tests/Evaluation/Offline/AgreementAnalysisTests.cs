using AlpacaFarm.Evaluation.Agreement;

namespace AlpacaFarm.Tests.Evaluation.Offline;

public sealed class AgreementAnalysisTests
{
    [Fact]
    public void Wilson_interval_matches_the_textbook_values()
    {
        var (low, high) = AgreementAnalysis.Wilson(0.5, 100);
        Assert.Equal(0.4038, low, 4);
        Assert.Equal(0.5962, high, 4);
        (low, high) = AgreementAnalysis.Wilson(1, 10);
        Assert.Equal(0.7225, low, 4);
        Assert.Equal(1, high, 10);
    }

    [Theory]
    [InlineData(1.0, 1, 1.0)]
    [InlineData(1.2, 1, 1.0)]
    [InlineData(1.8, 1, 0.0)]
    [InlineData(2.0, 2, 1.0)]
    [InlineData(1.5, 2, 0.5)]
    [InlineData(double.NaN, 1, 0.5)]
    public void Soft_preferences_round_and_a_draw_counts_half(double preference, int target, double credit) =>
        Assert.Equal(credit, AgreementAnalysis.Credit(preference, target));
}
