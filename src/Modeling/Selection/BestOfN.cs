using AlpacaFarm.Abstractions.Policies;
using AlpacaFarm.Modeling.Policies;
using AlpacaFarm.Modeling.Scoring;
using AlpacaFarm.Modeling.Training;

namespace AlpacaFarm.Modeling.Selection;

/// <summary>What <see cref="BestOfN.Select"/> found: per prompt, the best candidate, its proxy score, and every draw's score.</summary>
/// <param name="Best">The highest-scoring candidate of each prompt (the earliest draw on a tie).</param>
/// <param name="BestScores">Its proxy score.</param>
/// <param name="Scores">Per prompt, the proxy score of draw 0, 1, … n − 1, in draw order.</param>
/// <param name="BestOfFirst">For each k asked for, per prompt, the best of the first k draws' text: Best-of-k from the same run.</param>
public sealed record BestOfNResult(IReadOnlyList<string> Best, IReadOnlyList<float> BestScores, IReadOnlyList<float[]> Scores,
    IReadOnlyDictionary<int, string[]> BestOfFirst)
{
    /// <summary>Which draw is the best of the first <paramref name="k"/> of prompt <paramref name="prompt"/> (the earliest on a tie).</summary>
    public int BestDraw(int prompt, int k)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        var scores = Scores[prompt];
        var best = 0;
        for (var draw = 1; draw < Math.Min(k, scores.Length); draw++)
            if (scores[draw] > scores[best]) best = draw;
        return best;
    }
}

/// <summary>
/// Best-of-n, the one routine Best-of-n and Expert Iteration share: n candidates per prompt from a policy, scored by the
/// proxy reward model, the highest kept. Draws are nested: draw k of a prompt is keyed by (prompt, k) and made in a
/// round of its own over the same prompt batch, so the first k draws of an n-run are exactly a k-run's, and the best of
/// the first k (<see cref="BestOfNResult.BestDraw"/>) is what Best-of-k would have chosen. Memory holds one round of
/// candidates for a prompt batch, whatever n is.
/// </summary>
public static class BestOfN
{
    /// <param name="decoding">The candidates' decoding (temperature, top-p, new-token cap) and seed.</param>
    /// <param name="promptBatch">Prompts per round; part of what makes draws reproducible (padding changes float rounding).</param>
    /// <param name="keepFirst">Values of k (at most n) whose best-of-the-first-k texts to keep as well, for over-optimisation sweeps.</param>
    public static BestOfNResult Select(TorchPolicy policy, RewardScorer scorer, IReadOnlyList<string> prompts, int n, DecodingOptions decoding,
        int promptBatch = 256, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default,
        IReadOnlyList<int>? keepFirst = null)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(scorer);
        ArgumentNullException.ThrowIfNull(prompts);
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(promptBatch, 1);
        var keys = Keys(prompts);
        var best = new string[prompts.Count];
        var bestScores = new float[prompts.Count];
        var scores = prompts.Select(_ => new float[n]).ToArray();
        if (keepFirst is not null && keepFirst.Any(k => k < 1 || k > n))
            throw new ArgumentOutOfRangeException(nameof(keepFirst), $"every k must be in [1, {n}]");
        var kept = (keepFirst ?? []).Distinct().ToDictionary(k => k, _ => new string[prompts.Count]);
        var done = 0;
        foreach (var chunk in Enumerable.Range(0, prompts.Count).Chunk(promptBatch))
        {
            var chunkPrompts = chunk.Select(i => prompts[i]).ToList();
            for (var draw = 0; draw < n; draw++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var candidates = policy.Sample(chunkPrompts, [.. chunk.Select(i => $"{keys[i]}#{draw}")], decoding, cancellationToken);
                var rewards = scorer.Score([.. chunkPrompts.Select((prompt, j) => (prompt, candidates[j]))]);
                for (var j = 0; j < chunk.Length; j++)
                {
                    var i = chunk[j];
                    scores[i][draw] = rewards[j];
                    if (draw == 0 || rewards[j] > bestScores[i]) (best[i], bestScores[i]) = (candidates[j], rewards[j]);
                    if (kept.TryGetValue(draw + 1, out var snapshot)) snapshot[i] = best[i];
                }
                done += chunk.Length;
                progress?.Report(new TrainingProgress(done, prompts.Count * n, double.NaN, double.NaN, double.NaN));
            }
        }
        return new BestOfNResult(best, bestScores, scores, kept);
    }

    // A repeated prompt's occurrences draw apart: "text", "text@1", "text@2", …
    private static string[] Keys(IReadOnlyList<string> prompts)
    {
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        return prompts.Select(prompt =>
        {
            var occurrence = seen.GetValueOrDefault(prompt);
            seen[prompt] = occurrence + 1;
            return occurrence == 0 ? prompt : $"{prompt}@{occurrence}";
        }).ToArray();
    }
}
