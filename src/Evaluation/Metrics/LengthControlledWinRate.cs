using System.Globalization;
using AlpacaFarm.Abstractions.Randomness;

namespace AlpacaFarm.Evaluation.Metrics;

/// <summary>AlpacaEval 2's length-controlled win rate and the fitted model behind it.</summary>
/// <param name="WinRate">100 · mean predicted win probability at equal lengths.</param>
/// <param name="LengthWeight">Weight of tanh(standardised length difference).</param>
/// <param name="ModelWeight">Weight of the model-versus-baseline indicator.</param>
/// <param name="C">Inverse regularisation strength chosen by cross-validation.</param>
/// <param name="Absence">Why there is no LC win rate (every number NaN); null when there is one.</param>
public sealed record LengthControlledResult(
    double WinRate,
    double LengthWeight,
    double ModelWeight,
    double C,
    string? Absence = null)
{
    /// <summary>No LC win rate, for the reason given.</summary>
    public static LengthControlledResult Absent(string reason) => new(double.NaN, double.NaN, double.NaN, double.NaN, reason);
}

/// <summary>
/// The "minimal" variant of AlpacaEval 2's length-controlled GLM: no instruction-difficulty term and no
/// gamed-baseline regularisation, since those tables are not part of the evaluator. The preference is
/// regressed on tanh(standardised length difference) and a model indicator, then predicted at zero
/// length difference.
/// </summary>
public static class LengthControlledWinRate
{
    /// <summary>Fewer usable rows than this give NaN: five folds need a few rows each.</summary>
    public const int MinimumRows = 10;

    private const int Folds = 5;

    /// <summary>sklearn LogisticRegressionCV's default grid: 10 values of logspace(−4, 4).</summary>
    private static readonly double[] Cs = [.. Enumerable.Range(0, 10).Select(i => Math.Pow(10, -4 + (8.0 * i / 9)))];

    /// <summary>Fits the GLM and predicts the win rate the model would have at the baseline's lengths.</summary>
    /// <param name="preferences">As for <see cref="WinRate.Compute"/>; dropped rows are left out of the fit.</param>
    /// <param name="modelLengths">Code-point length of the model's output, per row.</param>
    /// <param name="baselineLengths">Code-point length of the baseline's output, per row.</param>
    /// <returns>
    /// All NaN, with the reason, when fewer than <see cref="MinimumRows"/> rows have a usable preference or the GLM's fit does not
    /// converge within its iteration bound.
    /// </returns>
    public static LengthControlledResult Compute(
        IReadOnlyList<double?> preferences, IReadOnlyList<int> modelLengths, IReadOnlyList<int> baselineLengths)
    {
        ArgumentNullException.ThrowIfNull(preferences);
        ArgumentNullException.ThrowIfNull(modelLengths);
        ArgumentNullException.ThrowIfNull(baselineLengths);
        if (modelLengths.Count != preferences.Count || baselineLengths.Count != preferences.Count)
        {
            throw new ArgumentException("Preferences and both length lists must have one entry per row.");
        }

        var scores = new List<double>();
        var deltas = new List<double>();
        for (var i = 0; i < preferences.Count; i++)
        {
            if (Preferences.TryScore(preferences[i], out var score))
            {
                scores.Add(score);
                deltas.Add(baselineLengths[i] - modelLengths[i]);
            }
        }

        if (scores.Count < MinimumRows)
        {
            return LengthControlledResult.Absent($"the length-controlled GLM needs at least {MinimumRows} judged pairs (got {scores.Count})");
        }

        // Equal lengths everywhere leave nothing to standardise: the feature is then all zeros.
        var std = SampleStatistics.StandardDeviation(deltas);
        var scale = std > 0 ? std : 1;
        var rows = scores.Select((score, i) => RowExamples(Math.Tanh(deltas[i] / scale), score)).ToList();

        if (ChooseC(rows) is not { } c)
        {
            return LengthControlledResult.Absent(
                $"the length-controlled GLM's fit converged at no C of the cross-validation grid within {L1LogisticRegression.DefaultMaxIterations} Newton iterations");
        }

        var fit = L1LogisticRegression.Fit([.. rows.SelectMany(r => r)], c);
        if (!fit.Converged)
        {
            return LengthControlledResult.Absent(
                $"the length-controlled GLM's fit did not converge within {L1LogisticRegression.DefaultMaxIterations} Newton iterations at C = {c.ToString("G4", CultureInfo.InvariantCulture)}");
        }

        var weights = fit.Weights;

        // Predict every instruction as if both outputs had the same length.
        var predictions = scores.Select(_ => L1LogisticRegression.PredictProbability(weights, Features(0))).ToList();
        return new LengthControlledResult(
            WinRate: 100 * SampleStatistics.Mean(predictions),
            LengthWeight: weights[0],
            ModelWeight: weights[1],
            C: c);
    }

    private static double[] Features(double lengthFeature) => [lengthFeature, 1];

    /// <summary>A soft label as two weighted hard labels; zero-weight copies carry nothing.</summary>
    private static List<WeightedExample> RowExamples(double lengthFeature, double score)
    {
        var examples = new List<WeightedExample>(2);
        if (score > 0)
        {
            examples.Add(new WeightedExample(Features(lengthFeature), Positive: true, Weight: score));
        }

        if (score < 1)
        {
            examples.Add(new WeightedExample(Features(lengthFeature), Positive: false, Weight: 1 - score));
        }

        return examples;
    }

    /// <summary>
    /// Five-fold cross-validation over <see cref="Cs"/> by held-out weighted log-loss. Rows are dealt to folds
    /// in a keyed-random order, with both copies of a row in one fold: deterministic, and no periodic pattern in
    /// the data's order can line up with the folds. A C at which some fold's fit does not converge is not scored
    /// (its loss would be that of arbitrary weights); null when no C could be scored.
    /// </summary>
    private static double? ChooseC(IReadOnlyList<List<WeightedExample>> rows)
    {
        var order = Enumerable.Range(0, rows.Count).ToArray();
        KeyedRandom.Create("lc-folds", rows.Count.ToString(CultureInfo.InvariantCulture), 0).Shuffle(order);
        var foldOf = new int[rows.Count];
        for (var position = 0; position < order.Length; position++) foldOf[order[position]] = position % Folds;

        var train = new List<WeightedExample>[Folds];
        var heldOut = new List<WeightedExample>[Folds];
        for (var fold = 0; fold < Folds; fold++)
        {
            train[fold] = [.. rows.Where((_, r) => foldOf[r] != fold).SelectMany(e => e)];
            heldOut[fold] = [.. rows.Where((_, r) => foldOf[r] == fold).SelectMany(e => e)];
        }

        // Each fold warm-starts from its last converged fit at a smaller C, as sklearn's path does.
        var foldWeights = new double[Folds][];
        double? bestC = null;
        var bestLoss = double.PositiveInfinity;
        foreach (var c in Cs)
        {
            var loss = 0.0;
            var scored = true;
            for (var fold = 0; fold < Folds; fold++)
            {
                var fit = L1LogisticRegression.Fit(train[fold], c, foldWeights[fold]);
                if (!fit.Converged)
                {
                    scored = false;
                    continue;
                }

                foldWeights[fold] = fit.Weights;
                loss += L1LogisticRegression.LogLoss(heldOut[fold], fit.Weights) / Folds;
            }

            // Strictly better only, so ties keep the smaller C.
            if (scored && loss < bestLoss)
            {
                bestLoss = loss;
                bestC = c;
            }
        }

        return bestC;
    }
}
