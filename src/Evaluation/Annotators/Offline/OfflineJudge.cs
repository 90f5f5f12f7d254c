using System.Globalization;
using AlpacaFarm.Abstractions.Randomness;
using AlpacaFarm.Evaluation.Sets;

namespace AlpacaFarm.Evaluation.Annotators.Offline;

/// <summary>
/// An offline stand-in for an LLM judge: it scores each output as a weighted sum of <see cref="TextFeatures"/> and
/// prefers the higher score. P(second shown is better) = logistic(score(second) − score(first) − <see cref="FirstPositionBias"/>).
/// </summary>
/// <remarks>
/// <para>A deterministic judge (the default) answers the hard label of that probability, like a judge decoding at
/// temperature 0: 1 when it is below ½, 2 above, 1.5 (a draw) at exactly ½. Hard labels keep win rates comparable with
/// AlpacaEval 1.0's GPT-4 judge, which also answers 1 or 2.</para>
/// <para>A sampled judge (<c>sampled: true</c>) draws its label from that probability with <see cref="KeyedRandom"/>
/// keyed on (judge, pair as shown, seed): random, but the same for the same seed on every machine.</para>
/// <para>A positive <see cref="FirstPositionBias"/> favours the output shown first when the two are close, as LLM judges
/// are known to; a negative one favours the second.</para>
/// </remarks>
public sealed class OfflineJudge : IPairAnnotator
{
    private readonly double[] _weights;
    private readonly TextFeatureCache _features;

    public OfflineJudge(string id, string persona, IReadOnlyList<double> weights, double firstPositionBias = 0, bool sampled = false,
        TextFeatureCache? features = null)
    {
        if (weights.Count != TextFeatures.Count)
            throw new ArgumentException($"an offline judge needs {TextFeatures.Count} weights ({string.Join(", ", TextFeatures.Names)})", nameof(weights));
        if (weights.Any(w => !double.IsFinite(w)) || !double.IsFinite(firstPositionBias))
            throw new ArgumentException("weights and position bias must be finite numbers", nameof(weights));
        Id = id;
        Persona = persona;
        _weights = [.. weights];
        FirstPositionBias = firstPositionBias;
        IsRandom = sampled;
        _features = features ?? new TextFeatureCache();
        var described = string.Join(";", TextFeatures.Names.Select((name, i) => $"{name}={R(_weights[i])}"));
        ConfigurationHash = ContentHash.Sha256(
            $"offline-judge/v1|{TextFeatures.Version}|{described}|first-position-bias={R(firstPositionBias)}|sampled={sampled}");
    }

    public string Id { get; }

    /// <summary>Who this judge stands in for, in a sentence.</summary>
    public string Persona { get; }

    /// <summary>One weight per feature, in the order of <see cref="TextFeatures.Names"/>.</summary>
    public IReadOnlyList<double> Weights => _weights;

    public double FirstPositionBias { get; }

    /// <summary>SHA-256 over the feature version, the weights, the position bias and whether it samples.</summary>
    public string ConfigurationHash { get; }

    public bool IsRandom { get; }

    /// <summary>The weighted feature score of one output (higher is better).</summary>
    public double Score(string instruction, string output)
    {
        var features = _features.Output(instruction, output);
        double score = 0;
        for (var i = 0; i < features.Length; i++) score += _weights[i] * features[i];
        return score;
    }

    /// <summary>P(the second shown output is better).</summary>
    public double ProbabilitySecondBetter(PairToJudge pair) =>
        1 / (1 + Math.Exp(-(Score(pair.Instruction, pair.Output2) - Score(pair.Instruction, pair.Output1) - FirstPositionBias)));

    public Task<IReadOnlyList<Verdict>> JudgeAsync(IReadOnlyList<PairToJudge> pairs, long seed, CancellationToken cancellationToken)
    {
        var verdicts = new List<Verdict>(pairs.Count);
        foreach (var pair in pairs)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var p = ProbabilitySecondBetter(pair);
            double preference;
            if (IsRandom)
                preference = KeyedRandom.Uniform("offline-judge", $"{Id}\n{pair.Instruction}\n{pair.Output1}\n{pair.Output2}", seed) < p ? 2 : 1;
            else
                preference = p > 0.5 ? 2 : p < 0.5 ? 1 : 1.5;
            verdicts.Add(new Verdict(preference, 0, 0));
        }
        return Task.FromResult<IReadOnlyList<Verdict>>(verdicts);
    }

    private static string R(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
