using System.Text.Json;
using AlpacaFarm.Evaluation.Annotators.Offline;
using AlpacaFarm.Evaluation.Annotators;
using AlpacaFarm.Evaluation.Outputs;
using AlpacaFarm.Evaluation.Sets;
using AlpacaFarm.Judges;
using AlpacaFarm.Simulation;

namespace AlpacaFarm.Runner.Annotators;

/// <summary>The one place an --annotators value becomes a pool: a built-in pool, a shipped LLM-judge pool, or a pool file.</summary>
public static class AnnotatorPools
{
    /// <summary>Every pool that can be named without a path.</summary>
    public static IReadOnlyList<string> Names => [.. BuiltInPools.Names, FarmPool.Name, .. JudgePools.ShippedNames];

    /// <summary>Nothing needs a key unless asked: the farm's sets use the farm pool, real text the offline pool.</summary>
    public static string DefaultFor(IEvaluationSet set) => set is FarmEvalSet or FarmValidationSet ? FarmPool.Name : BuiltInPools.Default;

    /// <summary>
    /// Built-in names first, then the farm pool and shipped judge pools, then a pool file (<see cref="LoadFile"/>).
    /// </summary>
    public static AnnotatorPool Resolve(string nameOrFile)
    {
        if (BuiltInPools.Names.Contains(nameOrFile)) return BuiltInPools.Get(nameOrFile);
        if (nameOrFile == FarmPool.Name) return FarmPool.Create();
        if (File.Exists(nameOrFile)) return LoadFile(nameOrFile);
        return JudgePools.TryReadConfig(nameOrFile) is { } judges
            ? JudgePools.Create(judges)
            : throw new ArgumentException($"unknown annotator pool '{nameOrFile}': neither a file nor one of {string.Join(", ", Names)}");
    }

    /// <summary>
    /// A pool file: <c>{"name": "...", "members": [...]}</c> whose members may mix every kind: an LLM judge (it has an
    /// "endpoint"), a member of a named pool (<c>{"use": "farm/farm-sharp"}</c>), or an offline judge (weights).
    /// </summary>
    public static AnnotatorPool LoadFile(string path)
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            var root = document.RootElement;
            var name = root.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString()! : Path.GetFileNameWithoutExtension(path);
            if (!root.TryGetProperty("members", out var members) || members.ValueKind != JsonValueKind.Array || members.GetArrayLength() == 0)
                throw new InputValidationException($"{path}: a pool file needs a non-empty 'members' array");
            var features = new TextFeatureCache();
            var pool = members.EnumerateArray().Select((member, index) =>
                member.TryGetProperty("use", out var use) ? Use(use.GetString() ?? "", path)
                : member.TryGetProperty("endpoint", out _) ? JudgePools.Member(member, path)
                : OfflinePool.Member(member, path, index, features)).ToList();
            var duplicate = pool.GroupBy(member => member.Id).FirstOrDefault(group => group.Count() > 1);
            return duplicate is null ? new AnnotatorPool(name, pool) : throw new InputValidationException($"{path}: member id '{duplicate.Key}' appears twice");
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            throw new InputValidationException($"{path}: not a pool file: {e.Message.Split('\n')[0].Trim()}");
        }
    }

    // "pool/member": a member of a named pool (never a file, so pool files cannot include each other).
    private static IPairAnnotator Use(string reference, string path)
    {
        var slash = reference.IndexOf('/');
        var (poolName, memberId) = slash < 0 ? (reference, "") : (reference[..slash], reference[(slash + 1)..]);
        if (!Names.Contains(poolName)) throw new InputValidationException($"{path}: 'use': unknown pool '{poolName}' in '{reference}' (known: {string.Join(", ", Names)})");
        return Resolve(poolName).Members.FirstOrDefault(member => member.Id == memberId)
            ?? throw new InputValidationException($"{path}: 'use': pool '{poolName}' has no member '{memberId}'");
    }
}
