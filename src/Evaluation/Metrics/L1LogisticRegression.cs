namespace AlpacaFarm.Evaluation.Metrics;

/// <summary>One weighted training row of a binary logistic regression.</summary>
/// <param name="Features">The row's features (no implicit intercept).</param>
/// <param name="Positive">Label: true for class 1 (t = +1), false for class 0 (t = −1).</param>
/// <param name="Weight">Non-negative sample weight.</param>
public readonly record struct WeightedExample(IReadOnlyList<double> Features, bool Positive, double Weight);

/// <summary>
/// L1-penalised logistic regression without intercept, with liblinear's objective
/// ‖w‖₁ + C · Σ sⱼ · log(1 + exp(−tⱼ · w·xⱼ)).
/// Solved by cyclic coordinate descent with an exact one-dimensional minimisation per coordinate:
/// the models fitted here have a handful of features, so this is cheap and converges tightly.
/// </summary>
public static class L1LogisticRegression
{
    private const int MaxSweeps = 100_000;
    private const int MaxLineIterations = 200;

    /// <summary>Minimises the objective.</summary>
    /// <param name="examples">Training rows, all with the same number of features.</param>
    /// <param name="c">Weight of the loss against the L1 penalty; must be positive.</param>
    /// <param name="start">Warm start (zeros when null).</param>
    /// <param name="tolerance">Stop when no weight moves by more than this, relative to the largest weight.</param>
    public static double[] Fit(
        IReadOnlyList<WeightedExample> examples,
        double c,
        IReadOnlyList<double>? start = null,
        double tolerance = 1e-13)
    {
        ArgumentNullException.ThrowIfNull(examples);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(c);
        if (examples.Count == 0)
        {
            throw new ArgumentException("Nothing to fit.", nameof(examples));
        }

        var dimension = examples[0].Features.Count;
        var weights = start?.ToArray() ?? new double[dimension];
        if (dimension == 0 || weights.Length != dimension || examples.Any(e => e.Features.Count != dimension || !(e.Weight >= 0)))
        {
            throw new ArgumentException("Rows need the same, non-zero feature count and non-negative weights.", nameof(examples));
        }

        // margins[j] = tⱼ · w·xⱼ, kept current as coordinates move.
        var margins = examples.Select(e => Sign(e) * Dot(weights, e.Features)).ToArray();
        for (var sweep = 0; sweep < MaxSweeps; sweep++)
        {
            var largestStep = 0.0;
            for (var k = 0; k < dimension; k++)
            {
                var updated = MinimiseCoordinate(examples, margins, k, weights[k], c);
                var step = updated - weights[k];
                if (step == 0)
                {
                    continue;
                }

                for (var j = 0; j < examples.Count; j++)
                {
                    margins[j] += step * Sign(examples[j]) * examples[j].Features[k];
                }

                weights[k] = updated;
                largestStep = Math.Max(largestStep, Math.Abs(step));
            }

            if (largestStep <= tolerance * Math.Max(1, weights.Max(Math.Abs)))
            {
                break;
            }
        }

        return weights;
    }

    /// <summary>The penalised objective at <paramref name="weights"/>.</summary>
    public static double Objective(IReadOnlyList<WeightedExample> examples, IReadOnlyList<double> weights, double c)
    {
        ArgumentNullException.ThrowIfNull(examples);
        ArgumentNullException.ThrowIfNull(weights);
        var loss = examples.Sum(e => e.Weight * Softplus(-Sign(e) * Dot(weights, e.Features)));
        return weights.Sum(Math.Abs) + c * loss;
    }

    /// <summary>Weighted mean log-loss (natural log) of the fitted model on <paramref name="examples"/>.</summary>
    public static double LogLoss(IReadOnlyList<WeightedExample> examples, IReadOnlyList<double> weights)
    {
        ArgumentNullException.ThrowIfNull(examples);
        ArgumentNullException.ThrowIfNull(weights);
        var loss = examples.Sum(e => e.Weight * Softplus(-Sign(e) * Dot(weights, e.Features)));
        return loss / examples.Sum(e => e.Weight);
    }

    /// <summary>Probability of class 1 for <paramref name="features"/>.</summary>
    public static double PredictProbability(IReadOnlyList<double> weights, IReadOnlyList<double> features) =>
        Sigmoid(Dot(weights, features));

    /// <summary>
    /// Minimises |v| + C·L(v) over coordinate k, the others fixed. The subgradient at 0 decides the side;
    /// on that side the derivative is monotone, so a bracketed Newton search finds its root.
    /// </summary>
    private static double MinimiseCoordinate(
        IReadOnlyList<WeightedExample> examples, double[] margins, int k, double current, double c)
    {
        // Smooth part's derivative with respect to the new value v of coordinate k.
        double Derivative(double v, out double curvature)
        {
            var shift = v - current;
            double gradient = 0, hessian = 0;
            for (var j = 0; j < examples.Count; j++)
            {
                var x = examples[j].Features[k];
                if (x == 0 || examples[j].Weight == 0)
                {
                    continue;
                }

                var sign = Sign(examples[j]);
                var loss = Sigmoid(-(margins[j] + shift * sign * x));
                gradient -= examples[j].Weight * sign * x * loss;
                hessian += examples[j].Weight * x * x * loss * (1 - loss);
            }

            curvature = c * hessian;
            return c * gradient;
        }

        var atZero = Derivative(0, out _);
        if (Math.Abs(atZero) <= 1)
        {
            return 0;
        }

        // Positive side when the loss still falls faster than the penalty rises at 0⁺.
        var direction = atZero < -1 ? 1.0 : -1.0;
        double Slope(double u, out double curvature) => direction * Derivative(direction * u, out curvature) + 1;

        double low = 0, high = Math.Max(1, Math.Abs(current));
        while (Slope(high, out _) < 0 && high < 1e300)
        {
            low = high;
            high *= 2;
        }

        var u = (low + high) / 2;
        for (var i = 0; i < MaxLineIterations; i++)
        {
            var slope = Slope(u, out var curvature);
            if (slope == 0)
            {
                break;
            }

            if (slope < 0)
            {
                low = u;
            }
            else
            {
                high = u;
            }

            // Newton where it stays inside the bracket, bisection otherwise.
            var newton = curvature > 0 ? u - slope / curvature : double.NaN;
            var next = newton > low && newton < high ? newton : (low + high) / 2;
            var moved = Math.Abs(next - u);
            u = next;
            if (moved <= 1e-15 * Math.Max(1, u))
            {
                break;
            }
        }

        return direction * u;
    }

    private static double Sign(WeightedExample example) => example.Positive ? 1 : -1;

    private static double Dot(IReadOnlyList<double> weights, IReadOnlyList<double> features)
    {
        var sum = 0.0;
        for (var i = 0; i < weights.Count; i++)
        {
            sum += weights[i] * features[i];
        }

        return sum;
    }

    private static double Sigmoid(double z) => z >= 0 ? 1 / (1 + Math.Exp(-z)) : Math.Exp(z) / (1 + Math.Exp(z));

    /// <summary>log(1 + eᶻ) without overflow.</summary>
    private static double Softplus(double z) => z > 0 ? z + Math.Log(1 + Math.Exp(-z)) : Math.Log(1 + Math.Exp(z));
}
