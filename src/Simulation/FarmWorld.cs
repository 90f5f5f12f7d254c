using AlpacaFarm.Abstractions.Text;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using AlpacaFarm.Abstractions.Randomness;

namespace AlpacaFarm.Simulation;

/// <summary>Split sizes; the defaults are the paper's, tests pass smaller ones.</summary>
public sealed record FarmSplitSizes(int Sft = 10_000, int Preference = 10_000, int Unlabeled = 20_000, int Validation = 2_000, int Eval = 805)
{
    /// <summary>The paper's sizes: sft 10k, preference 10k, unlabeled 20k, validation 2k, eval 805.</summary>
    public static FarmSplitSizes Paper { get; } = new();
}

/// <summary>One instruction of a split, with its family and parameters.</summary>
public sealed record FarmInstruction(string Instruction, FarmTask Task)
{
    public string Family => Task.Family;
}

/// <summary>One SFT demonstration: an instruction and the demonstrator's output.</summary>
public sealed record FarmDemonstration(string Instruction, string Output, string Family);

/// <summary>The world's splits for one seed.</summary>
public sealed record FarmSplits(
    long Seed,
    IReadOnlyList<FarmDemonstration> Sft,
    IReadOnlyList<FarmInstruction> Preference,
    IReadOnlyList<FarmInstruction> Unlabeled,
    IReadOnlyList<FarmInstruction> Validation,
    IReadOnlyList<FarmInstruction> Eval);

/// <summary>
/// The embedded farm world: an offline instruction world with a gold "human", a reference responder, a demonstrator and
/// 13 simulated annotators. Everything is a function of the seed through <see cref="KeyedRandom"/>.
/// </summary>
public static class FarmWorld
{
    /// <summary>
    /// Changes whenever generation or scoring changes (lexicon, knowledge base, templates, responders, gold, annotators,
    /// humans). Recorded with every farm score.
    /// </summary>
    public const string WorldVersion = "farm-3";

    /// <summary>The seed the committed eval-805 file and the calibration set are generated from.</summary>
    public const long DefaultSeed = 805;

    /// <summary>The seed of the public world's knowledge base (its attributes are part of <see cref="WorldVersion"/>).</summary>
    public const long PublicKnowledgeSeed = 1;

    // The world of the current command: the public one unless its home holds a hidden world's key. Async-local, so that
    // commands running side by side in one process (the tests') each keep their own.
    private static readonly AsyncLocal<HiddenWorld?> Hidden = new();

    /// <summary>The hidden world the current command runs in; null in the public world.</summary>
    public static HiddenWorld? CurrentHidden => Hidden.Value;

    /// <summary>
    /// Makes <paramref name="world"/> (null: the public one) the world of the calling flow from here on: its knowledge base,
    /// splits, eval-805 and gold. Call it where a command has resolved its home, before any farm work.
    /// </summary>
    public static void Use(HiddenWorld? world) => Hidden.Value = world;

    /// <summary>The seed of the current world's splits and eval-805.</summary>
    public static long SplitSeed => Hidden.Value?.SplitSeed ?? DefaultSeed;

    /// <summary>The seed of the current world's knowledge base.</summary>
    public static long KnowledgeSeed => Hidden.Value?.KnowledgeSeed ?? PublicKnowledgeSeed;

    /// <summary>
    /// The current world as scores and artifacts record it: <see cref="WorldVersion"/>, or "farm-3-hidden-ID" in a hidden
    /// world, so that no artifact, board or row of one world is taken for another's.
    /// </summary>
    public static string CurrentWorld => Hidden.Value is { } hidden ? $"{WorldVersion}-hidden-{hidden.Id}" : WorldVersion;

    /// <summary>Numbers in sorting tasks are drawn from 1..MaxNumber.</summary>
    public const int MaxNumber = 50;

    /// <summary>Every token any instruction or responder of the world can produce: sorted (ordinal), distinct.</summary>
    public static IReadOnlyList<string> Vocabulary { get; } = BuildVocabulary();

    internal static HashSet<string> VocabularySet { get; } = new(Vocabulary, StringComparer.Ordinal);

    /// <summary>All splits for <paramref name="seed"/>. The eval split holds distinct instructions.</summary>
    public static FarmSplits Generate(FarmSplitSizes sizes, long seed)
    {
        ArgumentNullException.ThrowIfNull(sizes);
        var sft = Draw("sft", sizes.Sft, seed, distinct: false)
            .Select((task, index) => new FarmDemonstration(task.Instruction, FarmResponders.RespondAsDemonstrator(task, seed, index), task.Family)).ToList();
        return new FarmSplits(seed, sft,
            Instructions("preference", sizes.Preference, seed),
            Instructions("unlabeled", sizes.Unlabeled, seed),
            Instructions("validation", sizes.Validation, seed),
            EvalInstructions(sizes.Eval, seed));
    }

    /// <summary>The eval split alone (distinct instructions).</summary>
    public static IReadOnlyList<FarmInstruction> EvalInstructions(int count, long seed) =>
        Draw("eval", count, seed, distinct: true).Select(task => new FarmInstruction(task.Instruction, task)).ToList();

    private static List<FarmInstruction> Instructions(string split, int count, long seed) =>
        Draw(split, count, seed, distinct: false).Select(task => new FarmInstruction(task.Instruction, task)).ToList();

    private static List<FarmTask> Draw(string split, int count, long seed, bool distinct)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var random = KeyedRandom.Create("farm-split", split, seed);
        var tasks = new List<FarmTask>(count);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (tasks.Count < count)
        {
            var task = FarmTask.Draw(random);
            if (!distinct || seen.Add(task.Instruction)) tasks.Add(task);
        }
        return tasks;
    }

    /// <summary>
    /// The eval-805 file's bytes for <paramref name="seed"/>: a JSON array in AlpacaEval's model_outputs format
    /// (instruction, output = the reference output, generator, dataset = family) plus farm fields.
    /// </summary>
    public static byte[] GenerateEvalFile(long seed = DefaultSeed, int count = 805)
    {
        var rows = EvalInstructions(count, seed).Select((item, index) =>
        {
            var reference = FarmResponders.RespondAsReference(item.Task, seed);
            return new EvalFileRow(item.Instruction, reference, FarmResponders.ReferenceGenerator, item.Family,
                $"farm-eval-{(index + 1).ToString("D3", CultureInfo.InvariantCulture)}", WorldVersion, item.Task.Parameters,
                Math.Round(FarmGold.Analyze(item.Task, reference).Score, 4));
        }).ToList();
        return Encoding.UTF8.GetBytes(JsonSerializer.Serialize(rows, EvalFileJson) + "\n");
    }

    internal static readonly JsonSerializerOptions EvalFileJson = new()
    {
        WriteIndented = true,
        NewLine = "\n",
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    internal sealed record EvalFileRow(
        [property: JsonPropertyName("instruction")] string Instruction,
        [property: JsonPropertyName("output")] string Output,
        [property: JsonPropertyName("generator")] string Generator,
        [property: JsonPropertyName("dataset")] string Dataset,
        [property: JsonPropertyName("farm_id")] string FarmId,
        [property: JsonPropertyName("world_version")] string WorldVersion,
        [property: JsonPropertyName("parameters")] IReadOnlyDictionary<string, string> Parameters,
        [property: JsonPropertyName("reference_gold_score")] double ReferenceGoldScore);

    private static List<string> BuildVocabulary()
    {
        var tokens = new SortedSet<string>(StringComparer.Ordinal) { "\n" };
        void Add(string text) { foreach (var token in CanonicalText.Tokenize(text)) tokens.Add(token); }
        foreach (var token in FarmTask.TemplateTokens) tokens.Add(token);
        foreach (var (category, members) in FarmKnowledge.Categories)
        {
            Add(category);
            foreach (var member in members) Add(member);
        }
        foreach (var attribute in FarmKnowledge.Attributes)
            foreach (var value in FarmKnowledge.Values(attribute)) Add(value);
        for (var n = 0; n <= MaxNumber; n++) tokens.Add(n.ToString(CultureInfo.InvariantCulture));
        foreach (var phrase in FarmResponders.Phrases.Concat(FarmResponders.Fillers)) Add(phrase);
        return tokens.ToList();
    }
}
