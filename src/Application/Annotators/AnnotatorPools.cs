using System.Text.Json;
using AlpacaFarm.Evaluation.Annotators;
using AlpacaFarm.Evaluation.Annotators.Offline;
using AlpacaFarm.Evaluation.Sets;
using AlpacaFarm.Judges;
using AlpacaFarm.Simulation;

namespace AlpacaFarm.Application.Annotators;

/// <summary>The one place an --annotators value becomes a pool: a built-in pool, a shipped LLM-judge pool, or a pool file.</summary>
public static class AnnotatorPools
{
    /// <summary>Every pool that can be named without a path.</summary>
    public static IReadOnlyList<string> Names => [.. BuiltInPools.Names, FarmPool.Name, .. JudgePools.ShippedNames];

    /// <summary>Nothing needs a key unless asked: the farm's sets use the farm pool, real text the offline pool.</summary>
    public static string DefaultFor(IEvaluationSet set) => set is FarmEvalSet ? FarmPool.Name : BuiltInPools.Default;

    /// <summary>
    /// Built-in names first, then shipped judge pools; a file holds LLM judges when its members have an "endpoint",
    /// offline judges otherwise. LLM judges read their keys from the environment variables the file names.
    /// </summary>
    public static AnnotatorPool Resolve(string nameOrFile)
    {
        if (BuiltInPools.Names.Contains(nameOrFile)) return BuiltInPools.Get(nameOrFile);
        if (nameOrFile == FarmPool.Name) return FarmPool.Create();
        if (File.Exists(nameOrFile) && !HoldsJudges(nameOrFile)) return OfflinePool.Load(nameOrFile);
        return JudgePools.TryReadConfig(nameOrFile) is { } judges
            ? JudgePools.Create(judges)
            : throw new ArgumentException($"unknown annotator pool '{nameOrFile}': neither a file nor one of {string.Join(", ", Names)}");
    }

    private static bool HoldsJudges(string path)
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            return document.RootElement.TryGetProperty("members", out var members) && members.ValueKind == JsonValueKind.Array
                && members.EnumerateArray().Any(member => member.ValueKind == JsonValueKind.Object && member.TryGetProperty("endpoint", out _));
        }
        catch (JsonException)
        {
            return false; // let the offline loader report the file as malformed
        }
    }
}
