using AlpacaFarm.Evaluation.Metrics;

namespace AlpacaFarm.Evaluation.Scoring;

/// <summary>Every statistic of one submission against the reference: AlpacaEval's raw and length-controlled win rates.</summary>
public sealed record Scorecard(WinRateSummary WinRate, LengthControlledResult LengthControlled)
{
    /// <summary>Scores aligned rows: preference (1 = reference, 2 = model), model output and reference output.</summary>
    public static Scorecard Compute(IReadOnlyList<double?> preferences, IReadOnlyList<string> modelOutputs, IReadOnlyList<string> referenceOutputs)
    {
        var modelLengths = modelOutputs.Select(Metrics.WinRate.CodePointLength).ToList();
        var referenceLengths = referenceOutputs.Select(Metrics.WinRate.CodePointLength).ToList();
        return new Scorecard(
            Metrics.WinRate.Compute(preferences, modelLengths),
            LengthControlledWinRate.Compute(preferences, modelLengths, referenceLengths));
    }
}
