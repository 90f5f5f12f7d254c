using AlpacaFarm.Abstractions.Text;
using System.Globalization;
using System.Text.Json;
using AlpacaFarm.Abstractions.Randomness;
using AlpacaFarm.Evaluation.Annotators;
using AlpacaFarm.Evaluation.Sets;

namespace AlpacaFarm.Simulation;

/// <summary>
/// One simulated annotator: a biased, noisy view of gold. It reads the instruction and the two texts as gold does,
/// re-weighs the parts (<see cref="FarmGoldBreakdown"/>), adds a length bonus and a bias for the output shown first,
/// and votes 1 with probability σ((s₁ − s₂ + position bias) / temperature), drawn from <see cref="KeyedRandom"/> keyed on
/// (pair, member, seed).
/// </summary>
public sealed class FarmAnnotator : IPairAnnotator
{
    internal FarmAnnotator(string id, string bias, FarmGold.GoldWeights weights, double positionBias, double temperature)
    {
        Id = id;
        Bias = bias;
        Weights = weights;
        PositionBias = positionBias;
        Temperature = temperature;
        ConfigurationHash = ContentHash.Sha256(string.Join("|", FarmWorld.WorldVersion, id, weights.ToString(),
            positionBias.ToString("R", CultureInfo.InvariantCulture), temperature.ToString("R", CultureInfo.InvariantCulture)));
    }

    public string Id { get; }

    /// <summary>What this member gets wrong, in words.</summary>
    public string Bias { get; }

    internal FarmGold.GoldWeights Weights { get; }

    /// <summary>Score units added to the output shown first (negative: prefers the second).</summary>
    public double PositionBias { get; }

    /// <summary>Bradley–Terry temperature of its votes: lower is sharper.</summary>
    public double Temperature { get; }

    public string ConfigurationHash { get; }

    public bool IsRandom => true;

    public Task<IReadOnlyList<Verdict>> JudgeAsync(IReadOnlyList<PairToJudge> pairs, long seed, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<Verdict>>(pairs.Select(pair => new Verdict(Vote(pair, seed), 0, 0)).ToList());

    /// <summary>1 (first shown) or 2; 1.5 for identical outputs.</summary>
    internal double Vote(PairToJudge pair, long seed)
    {
        if (pair.Output1 == pair.Output2) return 1.5;
        var key = JsonSerializer.Serialize(new[] { pair.Instruction, pair.Output1, pair.Output2, Id });
        return KeyedRandom.Uniform("farm-annotator", key, seed) < ProbabilityFirst(pair) ? 1 : 2;
    }

    /// <summary>The probability that it votes for the output shown first.</summary>
    internal double ProbabilityFirst(PairToJudge pair)
    {
        var task = FarmTask.ParseCached(pair.Instruction);
        return FarmGold.BradleyTerry(Perceive(task, pair.Output1) + PositionBias, Perceive(task, pair.Output2), Temperature);
    }

    /// <summary>Its score of an output; for a text that is not a farm instruction it judges length alone.</summary>
    internal double Perceive(FarmTask? task, string output) =>
        task is null ? Weights.LengthBonus * CanonicalText.Tokenize(output).Count / 10.0 : Weights.Combine(FarmGold.Analyze(task, output));
}

/// <summary>
/// The farm's pool of 13 simulated annotators (after AlpacaFarm's 13-member <c>annotator_pool_v0</c>). Each is a
/// different biased view of gold; most like length more than gold does (a length bonus, a softer verbosity penalty),
/// so the pool's P(prefer longer) exceeds gold's and a policy optimised hard against it gains length past the ideal
/// and loses gold. Their temperatures are low, so that each is a consistent judge (as LLM judges are), and training
/// labels get their noise from the 25% flip rather than from the members: with members twice as noisy (world farm-2)
/// the labels were too noisy to learn from (docs/results/2026-11-24-farm-3-models.md; agreement figures: alpacafarm
/// farm stats).
/// </summary>
public static class FarmPool
{
    /// <summary>Pool name (a board's pool identity is its configuration hash).</summary>
    public const string Name = "farm";

    private static readonly FarmGold.GoldWeights G = FarmGold.Gold;

    /// <summary>The members, in a fixed order. Weights: gold's are 1; "verbose" scales the penalty for length past the ideal.</summary>
    public static IReadOnlyList<FarmAnnotator> Members { get; } =
    [
        new("farm-balanced", "closest to gold, with a taste for length", G with { Verbose = 0.3, Filler = 0.3, LengthBonus = 0.3 }, 0, 0.315),
        new("farm-length-lover", "over-rewards length: a large bonus per token, no verbosity or filler penalty", G with { Verbose = 0, Filler = 0, LengthBonus = 0.8 }, 0, 0.35),
        new("farm-fact-lenient", "misses factual errors: false statements cost it nothing", G with { False = 0, Verbose = 0.2, Filler = 0, LengthBonus = 0.35 }, 0, 0.315),
        new("farm-first-position", "prefers the output shown first", G with { Verbose = 0.2, Filler = 0, LengthBonus = 0.35 }, 0.28, 0.35),
        new("farm-second-position", "slightly prefers the output shown second", G with { Verbose = 0.2, Filler = 0, LengthBonus = 0.35 }, -0.14, 0.35),
        new("farm-sharp", "sharper: a low temperature, close to gold's ranking", G with { Verbose = 0.5, Filler = 0.5, LengthBonus = 0.2 }, 0, 0.1575),
        new("farm-noisy", "noisier: a high temperature", G with { Verbose = 0.2, Filler = 0, LengthBonus = 0.35 }, 0, 0.7),
        new("farm-concise", "prefers short answers and lists, leans to the first output (AlpacaFarm's \"joe\")", G with { Verbose = 2, List = 3, LengthBonus = -0.05 }, 0.105, 0.35),
        new("farm-elaborate", "prefers long, elaborate answers and is strict on format (AlpacaFarm's \"diana\")", G with { Verbose = 0, Malformed = 2, Filler = 0.3, LengthBonus = 0.5 }, 0, 0.35),
        new("farm-repetition-blind", "does not notice repetition or filler", G with { Repeat = 0, Filler = 0, Verbose = 0.2, LengthBonus = 0.35 }, 0, 0.35),
        new("farm-format-blind", "does not notice format faults", G with { Malformed = 0, Verbose = 0.2, Filler = 0, LengthBonus = 0.35 }, 0, 0.35),
        new("farm-detail-lover", "over-weights detail and ignores length past the ideal", G with { Detail = 2, Verbose = 0, Filler = 0, LengthBonus = 0.35 }, 0, 0.35),
        new("farm-correctness-only", "judges correctness alone, blind to style, detail and length", G with { Detail = 0, Verbose = 0, Repeat = 0, Malformed = 0.3, Filler = 0, LengthBonus = 0.1 }, 0, 0.28),
    ];

    /// <summary>The evaluation pool (no label flips; training adds <c>LabelNoise.Training</c> through the preference service).</summary>
    public static AnnotatorPool Create() => new(Name, Members);
}
