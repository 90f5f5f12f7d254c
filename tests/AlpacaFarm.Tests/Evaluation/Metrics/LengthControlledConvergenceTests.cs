using System.Globalization;
using AlpacaFarm.Evaluation.Metrics;

namespace AlpacaFarm.Tests.Evaluation.Metrics;

/// <summary>
/// The input that stalled scoring: a tiny-recipe PPO row trained with <c>--threads 1</c> (802 losses, 3 wins, one of them
/// its longest answer against a short reference). Five-fold cross-validation leaves one fold with a single win, at the
/// extreme of the length feature: separable data, whose L1 optimum at large C lies thousands of units out along a narrow
/// valley. The old coordinate-descent fit crawled along it within a bound of 100,000 sweeps per fit, 51 fits a row.
/// Data/lc-tiny-ppo-one-thread.txt: "preference model-length reference-length" per row, as <c>run</c> scored them.
/// Data/lc-separable-fold.txt: that fold's training rows, "tanh(standardised length difference) label".
/// </summary>
public sealed class LengthControlledConvergenceTests
{
    private static readonly double[] Grid = [.. Enumerable.Range(0, 10).Select(i => Math.Pow(10, -4 + (8.0 * i / 9)))];

    // scikit-learn 1.2.1's liblinear (Debian's python3-sklearn) on lc-separable-fold.txt:
    //   LogisticRegression(penalty="l1", C=c, solver="liblinear", fit_intercept=False, tol=1e-10, max_iter=100000)
    // and F(w) = |w|_1 + C * sum(log1p(exp(-t * w.x))). It reports ConvergenceWarning from C = 166.8 up (100,000 iterations).
    private static readonly (double W0, double W1, double Objective, bool Converged)[] Liblinear =
    [
        (0, 0, 0.044638678428060484, true),
        (0, 0, 0.3456210754972869, true),
        (0, -1.04298411, 2.2147056404297176, true),
        (0, -3.31658021, 4.535692923549883, true),
        (0, -5.131407, 8.338928314932893, true),
        (-0.78027576, -6.43416942, 26.74077316140534, true),
        (-5.84719875, -10.67867296, 143.61543845657917, true),
        (-71.20118781, -74.34037212, 875.5170974413583, false),
        (-729.90785057, -728.32218539, 3790.7970298978826, false),
        (-3345.3100893, -3333.30635917, 10379.510640683828, false),
    ];

    [Fact]
    public async Task The_rows_that_stalled_run_get_their_lc_win_rate_from_converged_fits()
    {
        var (preferences, modelLengths, referenceLengths) = ScoredRows();

        // A guard, not a measurement: the fixed fit takes milliseconds; the old one would run for hours.
        var result = await Task.Run(() => LengthControlledWinRate.Compute(preferences, modelLengths, referenceLengths))
            .WaitAsync(TimeSpan.FromMinutes(5));

        Assert.Null(result.Absence);
        // liblinear on all 805 rows at the chosen C (2.7826, tol 1e-12): w = (-0.21831281, -5.53437639), LC = 100·σ(w₁) = 0.39331396.
        Assert.Equal(2.782559402207126, result.C, 1e-12);
        Assert.Equal(-0.21831281, result.LengthWeight, 1e-6);
        Assert.Equal(-5.53437639, result.ModelWeight, 1e-6);
        Assert.Equal(0.39331396, result.WinRate, 1e-6);
    }

    [Fact]
    public void Every_fit_of_the_separable_fold_converges_and_is_at_least_as_low_as_liblinears()
    {
        var rows = SeparableFold();
        double[]? start = null;
        for (var i = 0; i < Grid.Length; i++)
        {
            var fit = L1LogisticRegression.Fit(rows, Grid[i], start);
            var reference = Liblinear[i];

            Assert.True(fit.Converged, $"C = {Grid[i]}: not converged after {fit.Iterations} iterations");
            Assert.InRange(fit.Iterations, 0, 50);
            Assert.True(MinimumNormSubgradient(rows, fit.Weights, Grid[i]) <= 1e-6 * (1 + Grid[i] * rows.Count), $"C = {Grid[i]}: not stationary");
            var objective = L1LogisticRegression.Objective(rows, fit.Weights, Grid[i]);
            Assert.True(objective <= reference.Objective * (1 + 1e-12), $"C = {Grid[i]}: F = {objective} above liblinear's {reference.Objective}");
            if (reference.Converged)
            {
                Assert.Equal(reference.W0, fit.Weights[0], 1e-6 * (1 + Math.Abs(reference.W0)));
                Assert.Equal(reference.W1, fit.Weights[1], 1e-6 * (1 + Math.Abs(reference.W1)));
            }
            start = fit.Weights; // the cross-validation path warm-starts, so the fit must converge from there too
        }
    }

    [Fact]
    public void A_fit_stopped_by_its_iteration_bound_says_it_did_not_converge()
    {
        var fit = L1LogisticRegression.Fit(SeparableFold(), Grid[^1], maxIterations: 3);

        Assert.False(fit.Converged);
        Assert.Equal(3, fit.Iterations);
        Assert.All(fit.Weights, w => Assert.True(double.IsFinite(w)));
    }

    [Fact]
    public void Too_few_rows_leave_lc_absent_with_the_reason()
    {
        var result = LengthControlledWinRate.Compute([2, 1, null], [10, 20, 30], [15, 15, 15]);

        Assert.True(double.IsNaN(result.WinRate));
        Assert.Equal("the length-controlled GLM needs at least 10 judged pairs (got 2)", result.Absence);
    }

    /// <summary>max over coordinates of |min-norm subgradient| of F, computed here from the definition.</summary>
    private static double MinimumNormSubgradient(IReadOnlyList<WeightedExample> rows, double[] w, double c)
    {
        var largest = 0.0;
        for (var k = 0; k < w.Length; k++)
        {
            // d/dw_k of C·Σ s·log(1 + exp(−t·w·x)) = −C·Σ s·t·x_k / (1 + exp(t·w·x))
            var gradient = 0.0;
            foreach (var row in rows)
            {
                var t = row.Positive ? 1.0 : -1.0;
                var margin = t * ((w[0] * row.Features[0]) + (w[1] * row.Features[1]));
                gradient -= c * row.Weight * t * row.Features[k] / (1 + Math.Exp(margin));
            }
            var subgradient = w[k] != 0 ? gradient + Math.Sign(w[k]) : Math.Max(0, Math.Abs(gradient) - 1);
            largest = Math.Max(largest, Math.Abs(subgradient));
        }
        return largest;
    }

    private static (List<double?> Preferences, List<int> Model, List<int> Reference) ScoredRows()
    {
        var rows = File.ReadAllLines(DataFile("lc-tiny-ppo-one-thread.txt")).Select(line => line.Split(' ')).ToList();
        return ([.. rows.Select(r => (double?)double.Parse(r[0], CultureInfo.InvariantCulture))],
            [.. rows.Select(r => int.Parse(r[1], CultureInfo.InvariantCulture))],
            [.. rows.Select(r => int.Parse(r[2], CultureInfo.InvariantCulture))]);
    }

    private static List<WeightedExample> SeparableFold() =>
        [.. File.ReadAllLines(DataFile("lc-separable-fold.txt")).Select(line => line.Split(' '))
            .Select(r => new WeightedExample([double.Parse(r[0], CultureInfo.InvariantCulture), 1], r[1] == "1", 1))];

    private static string DataFile(string name) => Path.Combine(AppContext.BaseDirectory, "Evaluation", "Metrics", "Data", name);
}
