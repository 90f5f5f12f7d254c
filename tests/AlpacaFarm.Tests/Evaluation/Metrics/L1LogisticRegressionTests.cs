using AlpacaFarm.Evaluation.Metrics;

namespace AlpacaFarm.Tests.Evaluation.Metrics;

public sealed class L1LogisticRegressionTests
{
    // Mostly separable along the first feature, with one mislabelled row on each side and soft weights.
    private static readonly WeightedExample[] Data =
    [
        new([-1.5, 1], true, 1), new([-0.8, 1], true, 0.7), new([-0.3, 1], true, 1), new([0.4, 1], true, 0.5),
        new([0.2, 1], false, 1), new([0.9, 1], false, 0.8), new([1.4, 1], false, 1), new([-0.6, 1], false, 0.3),
        new([0.1, 1], true, 0.6),
    ];

    [Fact]
    public void Solution_is_not_beaten_by_nearby_points()
    {
        const double c = 3;
        var weights = L1LogisticRegression.Fit(Data, c).Weights;
        var best = L1LogisticRegression.Objective(Data, weights, c);

        Assert.NotEqual(0, weights[0]);
        Assert.NotEqual(0, weights[1]);
        foreach (var step in new[] { 1e-3, 1e-5 })
        {
            foreach (var (d0, d1) in new[] { (1, 0), (-1, 0), (0, 1), (0, -1), (1, 1), (1, -1), (-1, 1), (-1, -1) })
            {
                double[] moved = [weights[0] + d0 * step, weights[1] + d1 * step];
                Assert.True(best <= L1LogisticRegression.Objective(Data, moved, c) + 1e-12, $"beaten at {moved[0]}, {moved[1]}");
            }
        }
    }

    [Fact]
    public void Tiny_C_shrinks_every_weight_to_exactly_zero()
    {
        var weights = L1LogisticRegression.Fit(Data, 1e-4).Weights;

        Assert.Equal([0.0, 0.0], weights);
        Assert.Equal(0.5, L1LogisticRegression.PredictProbability(weights, [0.7, 1]));
    }

    [Fact]
    public void Zero_coordinates_stay_at_zero_when_the_penalty_outweighs_their_gain()
    {
        // The first feature says nothing about the label: L1 keeps it at exactly zero.
        WeightedExample[] data = [new([1, 1], true, 1), new([1, 1], false, 1), new([-1, 1], true, 1), new([-1, 1], false, 1)];

        var weights = L1LogisticRegression.Fit(data, 100).Weights;

        Assert.Equal(0.0, weights[0]);
    }
}
