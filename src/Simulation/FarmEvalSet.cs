using System.Security.Cryptography;
using System.Text.Json;
using AlpacaFarm.Evaluation.Sets;

namespace AlpacaFarm.Simulation;

/// <summary>One row of the farm's eval-805 with its gold metadata.</summary>
public sealed record FarmEvalItem(
    string FarmId, string Instruction, string ReferenceOutput, string Family, FarmTask Task,
    IReadOnlyDictionary<string, string> Parameters, double ReferenceGoldScore);

/// <summary>
/// The farm's eval-805: the committed file <c>Data/farm-eval-805.json</c>, embedded in this assembly, checked against
/// <see cref="ExpectedSha256"/> at load (any edit of the file is caught) and against <see cref="FarmWorld.WorldVersion"/>.
/// </summary>
public sealed class FarmEvalSet : EvaluationSet
{
    /// <summary>Set family, part of a board's identity.</summary>
    public const string SetId = "farm";

    /// <summary>SHA-256 of the committed file's bytes. Regenerate with <c>alpacafarm farm generate</c> and update both together.</summary>
    public const string ExpectedSha256 = "2b58374392a7a636c13993eb907388193a5f82ed4630f9e55bff16120f202174";

    internal const string ResourceName = "AlpacaFarm.Simulation.farm-eval-805.json";

    private static readonly Lazy<FarmEvalSet> Instance = new(() => Parse(ReadCommittedBytes()));

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<FarmEvalSet>> HiddenSets = new(StringComparer.Ordinal);

    private FarmEvalSet(IReadOnlyList<FarmEvalItem> farmItems)
        : base(SetId, $"farm eval-805 ({FarmWorld.CurrentWorld})", FarmResponders.ReferenceGenerator,
            [.. farmItems.Select(item => new EvaluationItem(item.Instruction, item.ReferenceOutput, item.Family))])
    {
        FarmItems = farmItems;
    }

    /// <summary>The rows with their family, parameters and the reference's gold score.</summary>
    public IReadOnlyList<FarmEvalItem> FarmItems { get; }

    /// <summary>
    /// The current world's eval-805: in the public world the committed set, verified (loaded once per process); in a hidden
    /// world the 805 instructions and references its secret draws (made once per process and world).
    /// </summary>
    /// <exception cref="InvalidDataException">The embedded file's checksum or world version does not match.</exception>
    public static FarmEvalSet Load() => FarmWorld.CurrentHidden is { } hidden
        ? HiddenSets.GetOrAdd(hidden.Id, _ => new Lazy<FarmEvalSet>(() => Parse(FarmWorld.GenerateEvalFile(FarmWorld.SplitSeed)))).Value
        : Instance.Value;

    /// <summary>The embedded file's bytes, verified against <see cref="ExpectedSha256"/>.</summary>
    public static byte[] ReadCommittedBytes()
    {
        using var stream = typeof(FarmEvalSet).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidDataException($"the farm eval file is not embedded ({ResourceName})");
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        var bytes = buffer.ToArray();
        var actual = Convert.ToHexStringLower(SHA256.HashData(bytes));
        if (actual != ExpectedSha256)
            throw new InvalidDataException($"farm eval-805 checksum mismatch: sha256 {actual}, expected {ExpectedSha256}");
        return bytes;
    }

    private static FarmEvalSet Parse(byte[] bytes)
    {
        var rows = JsonSerializer.Deserialize<List<FarmWorld.EvalFileRow>>(bytes, FarmWorld.EvalFileJson)
            ?? throw new InvalidDataException("farm eval-805: empty file");
        var items = rows.Select(row =>
        {
            if (row.WorldVersion != FarmWorld.WorldVersion)
                throw new InvalidDataException($"farm eval-805: row {row.FarmId} is of world {row.WorldVersion}, this build is {FarmWorld.WorldVersion}");
            var task = FarmTask.Parse(row.Instruction) ?? throw new InvalidDataException($"farm eval-805: row {row.FarmId} is not a farm instruction");
            return new FarmEvalItem(row.FarmId, row.Instruction, row.Output, row.Dataset, task, row.Parameters, row.ReferenceGoldScore);
        }).ToList();
        return new FarmEvalSet(items);
    }
}
