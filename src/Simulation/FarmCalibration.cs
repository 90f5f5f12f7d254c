using AlpacaFarm.Abstractions.Randomness;

namespace AlpacaFarm.Simulation;

/// <summary>A calibration pair: the reference output against a demonstrator output or a graded variant of it.</summary>
/// <param name="Variant">"demonstrator", "terse", "padded", "errors" or "repetitive".</param>
public sealed record FarmCalibrationPair(string Instruction, string Reference, string Output, string Variant);

/// <summary>
/// The fixed calibration set, generated from the seed so that calibration never needs a trained policy: on every eval
/// instruction, the reference against the demonstrator and against four graded variants of the demonstrator —
/// correct but terse; padded with filler sentences; with factual errors; repetitive.
/// </summary>
public static class FarmCalibration
{
    public const string Demonstrator = "demonstrator";
    public const string Terse = "terse";
    public const string Padded = "padded";
    public const string Errors = "errors";
    public const string Repetitive = "repetitive";

    public static IReadOnlyList<string> Variants { get; } = [Demonstrator, Terse, Padded, Errors, Repetitive];

    /// <summary>The demonstrator made error-prone: half its facts wrong, many wrong list members, most sequences wrong.</summary>
    internal static readonly ResponderStyle ErrorStyle = FarmResponders.Demonstrator with
    {
        Name = "errors", ErrorRate = 0.5, WrongMember = 0.4, SequenceError = 0.9, Filler = 0, Repeat = 0, Malformed = 0,
    };

    /// <summary>The calibration pairs on the committed eval-805 (seed <see cref="FarmWorld.DefaultSeed"/>).</summary>
    public static IReadOnlyList<FarmCalibrationPair> Build() => Build(FarmEvalSet.Load().FarmItems.Select(item => (item.Task, item.ReferenceOutput)), FarmWorld.DefaultSeed);

    /// <summary>The calibration pairs on given (task, reference output) rows.</summary>
    public static IReadOnlyList<FarmCalibrationPair> Build(IEnumerable<(FarmTask Task, string Reference)> rows, long seed)
    {
        var pairs = new List<FarmCalibrationPair>();
        foreach (var (task, reference) in rows)
        {
            var instruction = task.Instruction;
            var demonstration = FarmResponders.RespondAsDemonstrator(task, seed);
            pairs.Add(new(instruction, reference, demonstration, Demonstrator));
            pairs.Add(new(instruction, reference, FarmResponders.Respond(task, FarmResponders.Terse, KeyedRandom.Create("farm-variant-terse", instruction, seed)), Terse));
            pairs.Add(new(instruction, reference, FarmResponders.Pad(demonstration, KeyedRandom.Create("farm-variant-padded", instruction, seed)), Padded));
            pairs.Add(new(instruction, reference, FarmResponders.Respond(task, ErrorStyle, KeyedRandom.Create("farm-variant-errors", instruction, seed)), Errors));
            pairs.Add(new(instruction, reference, FarmResponders.Repeat(demonstration, KeyedRandom.Create("farm-variant-repetitive", instruction, seed)), Repetitive));
        }
        return pairs;
    }
}
