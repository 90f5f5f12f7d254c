using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using AlpacaFarm.Abstractions.Artifacts;
using AlpacaFarm.Abstractions.Compute;
using AlpacaFarm.Abstractions.Policies;
using AlpacaFarm.Modeling.Checkpoints;
using AlpacaFarm.Modeling.Policies;
using AlpacaFarm.Modeling.Scoring;
using AlpacaFarm.Modeling.Selection;
using AlpacaFarm.Modeling.Training;

namespace AlpacaFarm.Plugins.ExpertIteration;

/// <summary>What a selection is drawn from: the SFT policy, the reward model, the prompts, n and the candidates' decoding (its seed included).</summary>
public sealed record SelectionRequest(ArtifactHandle Sft, ArtifactHandle RewardModel, IReadOnlyList<string> Prompts, int N, DecodingOptions Decoding);

/// <summary>One demonstration: the best of an instruction's n draws, which draw it was, and every draw's proxy score.</summary>
public sealed record SelectedOutput(string Instruction, string Output, float ProxyScore, int Draw, float[] DrawScores)
{
    /// <summary>The proxy score of the first draw: what one sample of the SFT policy gets.</summary>
    public float FirstDrawScore => DrawScores[0];
}

/// <summary>
/// Best-of-n selections in the method's cache folder, filed by the hash of everything they are drawn from (never by the
/// fine-tune's settings), so runs that differ only in the fine-tune share one selection. A selection is written whole
/// into a private folder and renamed into place (<see cref="ArtifactCache"/>): an interrupted draw leaves nothing.
/// </summary>
public static class SelectionCache
{
    /// <summary>Bump when drawing, the key or the file changes: older selections are then drawn anew.</summary>
    public const string CodeVersion = "expert-iteration-selection/4";

    /// <summary>The selection's file inside its folder.</summary>
    public const string FileName = "selection.json";

    // Prompts whose draws are made together, and sequences per sampling and scoring batch: part of what fixes the draws
    // (padding changes float rounding), hence of the key.
    private const int PromptBatch = 256;
    private const int DrawBatch = 256;

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>The key a selection is filed under: its inputs and what its floats depend on (device and threads).</summary>
    public static ArtifactKey Key(SelectionRequest request, ComputeResources compute)
    {
        ArgumentNullException.ThrowIfNull(compute);
        ArgumentNullException.ThrowIfNull(request);
        var prompts = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', request.Prompts))));
        var config = JsonSerializer.Serialize(new
        {
            sft = request.Sft.ContentSha256,
            reward_model = request.RewardModel.ContentSha256,
            prompts = request.Prompts.Count,
            prompts_sha256 = prompts,
            n = request.N,
            temperature = request.Decoding.Temperature,
            top_p = request.Decoding.TopP,
            max_new_tokens = request.Decoding.MaxNewTokens,
            prompt_batch = PromptBatch,
            draw_batch = DrawBatch,
            compute = compute.ResultKey,
        });
        return new ArtifactKey("host splits", "unlabeled", config, request.Decoding.Seed, CodeVersion);
    }

    /// <summary>The cached selection for <paramref name="request"/>, or a new one drawn with <see cref="BestOfN"/> and cached.</summary>
    public static (ArtifactHandle Handle, bool Reused) GetOrDraw(string cacheFolder, SelectionRequest request, ComputeResources compute,
        IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
    {
        var cache = new ArtifactCache(cacheFolder);
        var key = Key(request, compute);
        if (cache.TryGet(ArtifactKind.Demonstrations, key) is { } cached) return (cached, true);
        return (cache.GetOrCreate(ArtifactKind.Demonstrations, key, folder => Draw(folder, request, compute, progress, cancellationToken), null,
            cancellationToken), false);
    }

    /// <summary>The demonstrations of a selection folder, in prompt order.</summary>
    public static IReadOnlyList<SelectedOutput> Read(ArtifactHandle handle)
    {
        ArgumentNullException.ThrowIfNull(handle);
        var path = Path.Combine(handle.Path, FileName);
        return JsonSerializer.Deserialize<List<SelectedOutput>>(File.ReadAllText(path), Json)
            ?? throw new InvalidDataException($"{path} holds no selection");
    }

    private static void Draw(string folder, SelectionRequest request, ComputeResources compute, IProgress<TrainingProgress>? progress,
        CancellationToken cancellationToken)
    {
        using var policy = TorchPolicy.Open(request.Sft, compute, "sft", batchSize: DrawBatch);
        using var scorer = RewardScorer.Open(request.RewardModel, compute, batchSize: DrawBatch);
        var result = BestOfN.Select(policy, scorer, request.Prompts, request.N, request.Decoding, PromptBatch, progress, cancellationToken);
        var selected = request.Prompts.Select((prompt, i) =>
            new SelectedOutput(prompt, result.Best[i], result.BestScores[i], result.BestDraw(i, request.N), result.Scores[i])).ToList();
        File.WriteAllText(Path.Combine(folder, FileName), JsonSerializer.Serialize(selected, Json));
    }
}
