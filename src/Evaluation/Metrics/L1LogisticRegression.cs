namespace AlpacaFarm.Evaluation.Metrics;

/// <summary>One weighted training row of a binary logistic regression.</summary>
/// <param name="Features">The row's features (no implicit intercept).</param>
/// <param name="Positive">Label: true for class 1 (t = +1), false for class 0 (t = −1).</param>
/// <param name="Weight">Non-negative sample weight.</param>
public readonly record struct WeightedExample(IReadOnlyList<double> Features, bool Positive, double Weight);

/// <summary>A fitted model and whether it passed the optimality test.</summary>
/// <param name="Weights">The last iterate: the optimum when <paramref name="Converged"/>.</param>
/// <param name="Converged">
/// Every coordinate's minimum-norm subgradient is within the tolerance: the weights minimise the objective. False when the
/// iteration bound was reached, or no step could lower the objective any further, first.
/// </param>
/// <param name="Iterations">Newton iterations taken.</param>
public sealed record L1LogisticFit(double[] Weights, bool Converged, int Iterations);

/// <summary>
/// L1-penalised logistic regression without intercept, with liblinear's objective
/// F(w) = ‖w‖₁ + C · Σ sⱼ · log(1 + exp(−tⱼ · w·xⱼ)).
/// Solved by proximal Newton iterations, as liblinear's newGLMNET does: each iteration minimises a quadratic model of the
/// loss plus the exact L1 term (coordinate descent on the model, then an exact solve on the model's active set), and a
/// backtracking line search on F accepts a fraction of that step only where F falls by a sufficient amount.
/// </summary>
/// <remarks>
/// F falls at every accepted step (up to its own rounding, where only the optimality test can judge), so the iterates do not
/// cycle; the fit stops at an optimality test (the minimum-norm subgradient, which is zero exactly at the optimum) or at an
/// iteration bound, never at a clock, so the same rows give the same answer on a loaded machine. Coordinate descent on F itself, the earlier solver, crawls along the valley that nearly
/// collinear features make (a length feature saturated at one end against the constant indicator), where a test on the
/// size of its steps may not be met within any practical bound.
/// </remarks>
public static class L1LogisticRegression
{
    /// <summary>Newton iterations allowed by default; a fit needs far fewer (quadratic convergence near the optimum).</summary>
    public const int DefaultMaxIterations = 200;

    /// <summary>Default optimality tolerance, relative to each coordinate's gradient scale 1 + C·Σ sⱼ·|xⱼₖ|.</summary>
    public const double DefaultTolerance = 1e-9;

    private const int SubproblemSweeps = 2_000;
    private const int PolishEvery = 10;
    private const int LineSearchHalvings = 60;
    private const double SufficientDecrease = 0.01;
    private const double Damping = 1e-12;
    private const double RoundingAllowance = 1e-15;

    /// <summary>Minimises the objective.</summary>
    /// <param name="examples">Training rows, all with the same number of features.</param>
    /// <param name="c">Weight of the loss against the L1 penalty; must be positive.</param>
    /// <param name="start">Warm start (zeros when null).</param>
    /// <param name="tolerance">Optimality tolerance relative to each coordinate's gradient scale.</param>
    /// <param name="maxIterations">Bound on Newton iterations.</param>
    public static L1LogisticFit Fit(
        IReadOnlyList<WeightedExample> examples,
        double c,
        IReadOnlyList<double>? start = null,
        double tolerance = DefaultTolerance,
        int maxIterations = DefaultMaxIterations)
    {
        ArgumentNullException.ThrowIfNull(examples);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(c);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(tolerance);
        ArgumentOutOfRangeException.ThrowIfNegative(maxIterations);
        if (examples.Count == 0) throw new ArgumentException("Nothing to fit.", nameof(examples));

        var dimension = examples[0].Features.Count;
        var weights = start?.ToArray() ?? new double[dimension];
        if (dimension == 0 || weights.Length != dimension || examples.Any(e => e.Features.Count != dimension || !(e.Weight >= 0)))
            throw new ArgumentException("Rows need the same, non-zero feature count and non-negative weights.", nameof(examples));
        if (weights.Any(w => !double.IsFinite(w))) throw new ArgumentException("The warm start must be finite.", nameof(start));

        var problem = new Problem(examples, c);
        var margins = problem.Margins(weights);
        var objective = problem.Objective(weights, margins);
        for (var iteration = 0; ; iteration++)
        {
            var (gradient, hessian) = problem.Derivatives(margins);
            if (problem.IsOptimal(weights, gradient, tolerance)) return new L1LogisticFit(weights, true, iteration);
            if (iteration == maxIterations) return new L1LogisticFit(weights, false, iteration);

            var step = Subproblem.Solve(weights, gradient, hessian);
            // The model's decrease at the full step: negative unless the model sees no way down.
            var predicted = Dot(gradient, step) + L1(weights, step, 1) - L1(weights, step, 0);
            if (!(predicted < 0)) return new L1LogisticFit(weights, false, iteration);

            // Near the optimum a Newton step lowers F by less than F's own rounding, which no comparison of F can see: there a
            // step is accepted unless it raises F beyond that rounding, and the optimality test alone decides.
            var rounding = RoundingAllowance * Math.Abs(objective);
            var accepted = false;
            for (var (fraction, halvings) = (1.0, 0); halvings <= LineSearchHalvings; fraction /= 2, halvings++)
            {
                var candidate = new double[dimension];
                for (var k = 0; k < dimension; k++) candidate[k] = weights[k] + fraction * step[k];
                var candidateMargins = problem.Margins(candidate);
                var value = problem.Objective(candidate, candidateMargins);
                if (value - objective <= SufficientDecrease * fraction * predicted + rounding)
                {
                    (weights, margins, objective, accepted) = (candidate, candidateMargins, value, true);
                    break;
                }
            }

            // No step lowers F by a sufficient amount: the iterate sits at the precision floor (tested once more above).
            if (!accepted)
            {
                var (finalGradient, _) = problem.Derivatives(margins);
                return new L1LogisticFit(weights, problem.IsOptimal(weights, finalGradient, tolerance), iteration + 1);
            }
        }
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

    /// <summary>The rows as flat arrays, with what every iteration needs.</summary>
    private sealed class Problem
    {
        private readonly double[][] _features;
        private readonly double[] _signs;
        private readonly double[] _weights;
        private readonly double _c;
        private readonly double[] _scale;

        public Problem(IReadOnlyList<WeightedExample> examples, double c)
        {
            _features = [.. examples.Select(e => e.Features.ToArray())];
            _signs = [.. examples.Select(Sign)];
            _weights = [.. examples.Select(e => e.Weight)];
            _c = c;
            var dimension = _features[0].Length;
            // The size of the gradient's terms, coordinate by coordinate: the optimality test is relative to it.
            _scale = new double[dimension];
            for (var k = 0; k < dimension; k++)
            {
                var sum = 0.0;
                for (var j = 0; j < _features.Length; j++) sum += _weights[j] * Math.Abs(_features[j][k]);
                _scale[k] = 1 + c * sum;
            }
        }

        /// <summary>mⱼ = tⱼ · w·xⱼ.</summary>
        public double[] Margins(double[] weights)
        {
            var margins = new double[_features.Length];
            for (var j = 0; j < margins.Length; j++) margins[j] = _signs[j] * Dot(weights, _features[j]);
            return margins;
        }

        public double Objective(double[] weights, double[] margins)
        {
            var loss = 0.0;
            for (var j = 0; j < margins.Length; j++) loss += _weights[j] * Softplus(-margins[j]);
            return weights.Sum(Math.Abs) + _c * loss;
        }

        /// <summary>Gradient and Hessian of the smooth part, C · Σ sⱼ · log(1 + exp(−mⱼ)).</summary>
        public (double[] Gradient, double[,] Hessian) Derivatives(double[] margins)
        {
            var dimension = _scale.Length;
            var gradient = new double[dimension];
            var hessian = new double[dimension, dimension];
            for (var j = 0; j < margins.Length; j++)
            {
                if (_weights[j] == 0) continue;
                var miss = Sigmoid(-margins[j]);
                var gradientFactor = -_c * _weights[j] * _signs[j] * miss;
                var curvatureFactor = _c * _weights[j] * miss * Sigmoid(margins[j]);
                var x = _features[j];
                for (var k = 0; k < dimension; k++)
                {
                    if (x[k] == 0) continue;
                    gradient[k] += gradientFactor * x[k];
                    for (var l = 0; l <= k; l++) hessian[k, l] += curvatureFactor * x[k] * x[l];
                }
            }
            for (var k = 0; k < dimension; k++)
                for (var l = k + 1; l < dimension; l++)
                    hessian[k, l] = hessian[l, k];
            return (gradient, hessian);
        }

        /// <summary>Whether each coordinate's minimum-norm subgradient of F is within tolerance of zero.</summary>
        public bool IsOptimal(double[] weights, double[] gradient, double tolerance)
        {
            for (var k = 0; k < weights.Length; k++)
            {
                var subgradient = weights[k] > 0 ? gradient[k] + 1
                    : weights[k] < 0 ? gradient[k] - 1
                    : Math.Max(Math.Abs(gradient[k]) - 1, 0);
                if (!(Math.Abs(subgradient) <= tolerance * _scale[k])) return false;
            }
            return true;
        }
    }

    /// <summary>
    /// The step u minimising gᵀu + ½ uᵀHu + ‖w + u‖₁, H damped on its diagonal so that every coordinate has curvature.
    /// </summary>
    private static class Subproblem
    {
        public static double[] Solve(double[] weights, double[] gradient, double[,] curvature)
        {
            var dimension = weights.Length;
            var h = (double[,])curvature.Clone();
            for (var k = 0; k < dimension; k++) h[k, k] += Damping * (1 + h[k, k]);

            var step = new double[dimension];
            var hStep = new double[dimension];
            for (var sweep = 1; sweep <= SubproblemSweeps; sweep++)
            {
                var largest = 0.0;
                for (var k = 0; k < dimension; k++)
                {
                    // One coordinate of the model exactly: a soft-thresholded Newton step.
                    var slope = gradient[k] + hStep[k];
                    var value = weights[k] + step[k];
                    var updated = h[k, k] * value >= slope + 1 ? value - (slope + 1) / h[k, k]
                        : h[k, k] * value <= slope - 1 ? value - (slope - 1) / h[k, k]
                        : 0;
                    var move = updated - value;
                    if (move == 0) continue;
                    step[k] += move;
                    for (var l = 0; l < dimension; l++) hStep[l] += move * h[l, k];
                    largest = Math.Max(largest, Math.Abs(move));
                }

                if (largest <= 1e-15 * (1 + MaxAbs(weights, step))) return step;
                // Nearly collinear features make coordinate descent slow on the model too; on a settled sign pattern the model's
                // minimiser is one linear solve away.
                if (sweep % PolishEvery == 0 && Polished(weights, gradient, h, step) is { } exact) return exact;
            }
            return Polished(weights, gradient, h, step) ?? step;
        }

        /// <summary>
        /// The model's exact minimiser among steps that keep the signs of w + u (zeros stay zero), if it satisfies the
        /// model's optimality conditions; null otherwise.
        /// </summary>
        private static double[]? Polished(double[] weights, double[] gradient, double[,] h, double[] step)
        {
            var dimension = weights.Length;
            var active = Enumerable.Range(0, dimension).Where(k => weights[k] + step[k] != 0).ToArray();
            var polished = new double[dimension];
            for (var k = 0; k < dimension; k++) polished[k] = -weights[k]; // inactive coordinates land on zero
            if (active.Length > 0)
            {
                // H_AA u_A = −g_A − σ_A − H_AĀ u_Ā
                var system = new double[active.Length, active.Length];
                var right = new double[active.Length];
                for (var a = 0; a < active.Length; a++)
                {
                    var k = active[a];
                    right[a] = -gradient[k] - Math.Sign(weights[k] + step[k]);
                    for (var l = 0; l < dimension; l++)
                        if (!active.Contains(l)) right[a] -= h[k, l] * polished[l];
                    for (var b = 0; b < active.Length; b++) system[a, b] = h[k, active[b]];
                }
                if (LinearSolve(system, right) is not { } solution) return null;
                for (var a = 0; a < active.Length; a++)
                {
                    var k = active[a];
                    polished[k] = solution[a];
                    if (Math.Sign(weights[k] + polished[k]) != Math.Sign(weights[k] + step[k])) return null;
                }
            }

            // Zero coordinates must stay at zero: the model's slope there within the penalty's ±1.
            for (var k = 0; k < dimension; k++)
            {
                if (active.Contains(k)) continue;
                var slope = gradient[k];
                for (var l = 0; l < dimension; l++) slope += h[k, l] * polished[l];
                if (Math.Abs(slope) > 1) return null;
            }
            return polished;
        }

        /// <summary>Gaussian elimination with partial pivoting; null for a singular or non-finite system.</summary>
        private static double[]? LinearSolve(double[,] a, double[] b)
        {
            var n = b.Length;
            for (var column = 0; column < n; column++)
            {
                var pivot = column;
                for (var row = column + 1; row < n; row++)
                    if (Math.Abs(a[row, column]) > Math.Abs(a[pivot, column])) pivot = row;
                if (!(Math.Abs(a[pivot, column]) > 0)) return null;
                if (pivot != column)
                {
                    for (var k = 0; k < n; k++) (a[column, k], a[pivot, k]) = (a[pivot, k], a[column, k]);
                    (b[column], b[pivot]) = (b[pivot], b[column]);
                }
                for (var row = column + 1; row < n; row++)
                {
                    var factor = a[row, column] / a[column, column];
                    for (var k = column; k < n; k++) a[row, k] -= factor * a[column, k];
                    b[row] -= factor * b[column];
                }
            }
            var x = new double[n];
            for (var row = n - 1; row >= 0; row--)
            {
                var sum = b[row];
                for (var k = row + 1; k < n; k++) sum -= a[row, k] * x[k];
                x[row] = sum / a[row, row];
            }
            return x.All(double.IsFinite) ? x : null;
        }

        private static double MaxAbs(double[] weights, double[] step)
        {
            var largest = 0.0;
            for (var k = 0; k < weights.Length; k++) largest = Math.Max(largest, Math.Abs(weights[k] + step[k]));
            return largest;
        }
    }

    /// <summary>‖w + fraction·u‖₁.</summary>
    private static double L1(double[] weights, double[] step, double fraction)
    {
        var sum = 0.0;
        for (var k = 0; k < weights.Length; k++) sum += Math.Abs(weights[k] + fraction * step[k]);
        return sum;
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
