using System.Text.Json;
using System.Text.Json.Serialization;

namespace AlpacaFarm.Leaderboard;

/// <summary>Provenance is stored whole as JSON; the columns queried (kind, seed, mode) are also stored plainly.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(SubmissionProvenance))]
internal sealed partial class ProvenanceJsonContext : JsonSerializerContext
{
    public static string Write(SubmissionProvenance provenance) =>
        JsonSerializer.Serialize(provenance, Default.SubmissionProvenance);

    public static SubmissionProvenance Read(string json) =>
        JsonSerializer.Deserialize(json, Default.SubmissionProvenance)
        ?? throw new InvalidDataException("A submission's provenance_json is null.");
}
