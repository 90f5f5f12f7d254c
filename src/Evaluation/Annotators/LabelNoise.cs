namespace AlpacaFarm.Evaluation.Annotators;

/// <summary>
/// Training-mode noise (AlpacaFarm's intra-annotator variability): with probability 2·p a label is replaced by a
/// fair coin, so a fraction p of labels end up flipped. Such rows cost no annotator call.
/// </summary>
/// <param name="FlipProbability">p, in [0, 0.5]; AlpacaFarm trains with 0.25.</param>
public sealed record LabelNoise(double FlipProbability)
{
    /// <summary>Annotator id recorded on labels that came from the coin rather than an annotator.</summary>
    public const string AnnotatorId = "label-noise";

    /// <summary>AlpacaFarm's training noise: a quarter of labels flipped.</summary>
    public static LabelNoise Training { get; } = new(0.25);

    public double FlipProbability { get; } = FlipProbability is >= 0 and <= 0.5
        ? FlipProbability
        : throw new ArgumentOutOfRangeException(nameof(FlipProbability), FlipProbability, "must be in [0, 0.5]");
}
