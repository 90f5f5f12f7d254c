using System.Text.Json;
using AlpacaFarm.Abstractions.Artifacts;
using AlpacaFarm.Abstractions.Randomness;
using AlpacaFarm.Modeling.Training;

namespace AlpacaFarm.Modeling.Data;

/// <summary>
/// The shared preference data's folder format, the one reader and writer: <c>pairs.jsonl</c> (one
/// <see cref="LabelledPair"/> per line, snake_case) and <c>manifest.json</c> (labelling, pair count, code version).
/// Methods open the pairs from the <see cref="ArtifactHandle"/> in their run spec.
/// </summary>
public static class PreferencePairs
{
    /// <summary>Version of this format; part of the cache key, so a format change never reuses old folders.</summary>
    public const string CodeVersion = "preference-data/1";

    /// <summary>The file holding the pairs, one JSON object a line.</summary>
    public const string PairsFile = "pairs.jsonl";

    /// <summary>The file written last: a folder that holds it is complete.</summary>
    public const string ManifestFile = "manifest.json";

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>Writes labelled pairs as a preference-data folder; <paramref name="labelling"/> says what shaped the labels.</summary>
    public static void Write(string folder, IReadOnlyList<LabelledPair> rows, string labelling)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllLines(Path.Combine(folder, PairsFile), rows.Select(row => JsonSerializer.Serialize(row, Json)));
        File.WriteAllText(Path.Combine(folder, ManifestFile), JsonSerializer.Serialize(
            new { labelling, pairs = rows.Count, code_version = CodeVersion }, Json));
    }

    /// <summary>Reads a preference-data artifact, refusing one whose content changed since its handle was made.</summary>
    public static IReadOnlyList<LabelledPair> Read(ArtifactHandle handle)
    {
        ArgumentNullException.ThrowIfNull(handle);
        if (handle.Kind != ArtifactKind.PreferenceData) throw new ArgumentException($"expected preference data, got {handle.Kind}", nameof(handle));
        if (!handle.IsIntact()) throw new InvalidDataException($"preference data at {handle.Path} changed since it was written");
        return File.ReadLines(Path.Combine(handle.Path, PairsFile)).Select(line => JsonSerializer.Deserialize<LabelledPair>(line, Json)!).ToList();
    }

    /// <summary>The labelled pairs as (chosen, rejected) examples in order; draws (preference 1.5) carry no direction and are dropped.</summary>
    public static List<PreferenceExample> Examples(IEnumerable<LabelledPair> rows) =>
        [.. rows.Where(row => row.Preference != 1.5)
            .Select(row => row.Preference < 1.5 ? new PreferenceExample(row.Instruction, row.Output1, row.Output2) : new PreferenceExample(row.Instruction, row.Output2, row.Output1))];

    /// <summary>
    /// Holds out whole instructions, in <paramref name="random"/>'s order, until at least <paramref name="heldOutPairs"/>
    /// pairs are held out. Whole instructions, because the world repeats instructions, SFT samples of one instruction
    /// often coincide, and the label noise is keyed on the pair: a pair split alone would leak memorised coin flips
    /// into held-out measurements.
    /// </summary>
    public static (List<LabelledPair> Train, List<LabelledPair> HeldOut) SplitByInstruction(
        IReadOnlyList<LabelledPair> rows, int heldOutPairs, DeterministicRandom random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var instructions = rows.Select(row => row.Instruction).Distinct(StringComparer.Ordinal).ToArray();
        random.Shuffle(instructions);
        var perInstruction = rows.GroupBy(row => row.Instruction, StringComparer.Ordinal).ToDictionary(group => group.Key, group => group.Count(), StringComparer.Ordinal);
        var held = new HashSet<string>(StringComparer.Ordinal);
        var count = 0;
        foreach (var instruction in instructions)
        {
            if (count >= heldOutPairs) break;
            held.Add(instruction);
            count += perInstruction[instruction];
        }
        return (rows.Where(row => !held.Contains(row.Instruction)).ToList(), rows.Where(row => held.Contains(row.Instruction)).ToList());
    }
}
