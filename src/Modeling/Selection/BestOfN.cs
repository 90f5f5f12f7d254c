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
/// proxy reward model, the highest kept. Draws are nested: draw k of a prompt is keyed by (prompt, k), so the first k
/// draws of an n-run are a k-run's (up to float rounding: batches differ), and the best of the first k
/// (<see cref="BestOfNResult.BestDraw"/>) is what Best-of-k would have chosen. A prompt batch's n draws are sampled and
/// scored together, each prompt computed once for all of its draws; memory holds n candidates per prompt of a batch.
/// </summary>
public static class BestOfN
{
    /// <param name="decoding">The candidates' decoding (temperature, top-p, new-token cap) and seed.</param>
    /// <param name="promptBatch">Prompts whose draws are made together; part of what makes draws reproducible (padding changes float rounding).</param>
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
            cancellationToken.ThrowIfCancellationRequested();
            // Every draw of the chunk in one call, each prompt's n draws side by side: the sampler and the scorer then
            // compute each prompt once for all of its draws. Draw d of prompt i is keyed "key#d", whatever the batch.
            var draws = chunk.SelectMany(i => Enumerable.Range(0, n).Select(draw => (Prompt: i, Draw: draw))).ToArray();
            var drawPrompts = draws.Select(d => prompts[d.Prompt]).ToList();
            var candidates = policy.Sample(drawPrompts, [.. draws.Select(d => $"{keys[d.Prompt]}#{d.Draw}")], decoding, cancellationToken);
            var rewards = scorer.Score([.. drawPrompts.Select((prompt, j) => (prompt, candidates[j]))]);
            for (var j = 0; j < draws.Length; j++)
            {
                var (i, draw) = draws[j];
                scores[i][draw] = rewards[j];
                if (draw == 0 || rewards[j] > bestScores[i]) (best[i], bestScores[i]) = (candidates[j], rewards[j]);
                if (kept.TryGetValue(draw + 1, out var snapshot)) snapshot[i] = best[i];
            }
            done += draws.Length;
            progress?.Report(new TrainingProgress(done, prompts.Count * n, double.NaN, double.NaN, double.NaN));
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
