using AlpacaFarm.Evaluation.Metrics;

namespace AlpacaFarm.Tests.Evaluation.Metrics;

/// <summary>Expected values from scipy 1.10.1's <c>scipy.stats.spearmanr(x, y).correlation</c> (Debian's python3-scipy), and by hand.</summary>
public sealed class SpearmanCorrelationTests
{
    [Fact]
    public void Matches_scipy_without_ties()
    {
        // Simulated and gold win rates of seven farm rows.
        double[] simulated = [31.68, 38.57, 36.77, 37.45, 28.51, 31.55, 28.82];
        double[] gold = [43.91, 46.52, 45.38, 44.84, 41.66, 43.77, 43.54];

        Assert.Equal(0.9642857142857145, SpearmanCorrelation.Of(simulated, gold), 12);
    }

    [Fact]
    public void Tied_values_share_their_mean_rank_as_in_scipy()
    {
        Assert.Equal([1, 2.5, 2.5, 4, 5], SpearmanCorrelation.Ranks([1, 2, 2, 3, 4]));
        Assert.Equal(0.7631578947368421, SpearmanCorrelation.Of([1, 2, 2, 3, 4], [10, 30, 20, 20, 50]), 12);
    }

    [Fact]
    public void A_reversed_order_is_minus_one_and_degenerate_samples_have_none()
    {
        Assert.Equal(-1, SpearmanCorrelation.Of([5, 4, 3, 2, 1], [1, 2, 3, 4, 5]), 12);
        Assert.True(double.IsNaN(SpearmanCorrelation.Of([1], [2])));
        Assert.True(double.IsNaN(SpearmanCorrelation.Of([1, 1, 1], [1, 2, 3])));
        Assert.Throws<ArgumentException>(() => SpearmanCorrelation.Of([1, 2], [1]));
    }
}
