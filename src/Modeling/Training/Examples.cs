using AlpacaFarm.Abstractions.Randomness;

namespace AlpacaFarm.Modeling.Training;

/// <summary>An instruction and the response to imitate, conditioned on a control token when <paramref name="Control"/> is given.</summary>
public sealed record SftExample(string Instruction, string Response, string? Control = null);

/// <summary>An instruction with a preferred (chosen) and a dispreferred (rejected) response.</summary>
public sealed record PreferenceExample(string Instruction, string Chosen, string Rejected);

/// <summary>Batches training examples in a keyed order.</summary>
internal static class Examples
{
    /// <summary>Batches per window of a length-grouped epoch: the window's examples are sorted by length among themselves.</summary>
    public const int GroupWindow = 32;

    /// <summary>Batches per band of a window: a band holds the window's prompts of similar length, sorted by response length.</summary>
    public const int GroupBand = 4;

    /// <summary>
    /// Batches of indices for each epoch, shuffled by KeyedRandom(purpose, "epoch N", seed), up to <paramref name="totalSteps"/>.
    /// With <paramref name="lengths"/> (each example's prompt and response token counts) the batches are length-grouped:
    /// the shuffled epoch is cut into windows of <see cref="GroupWindow"/> batches, each window sorted by prompt length
    /// into bands of <see cref="GroupBand"/> batches, each band sorted by response length and cut into batches, and the
    /// epoch's batches are then shuffled by KeyedRandom(purpose, "epoch N batches", seed). Prompts are left-padded and
    /// responses right-padded apart, so both lengths are grouped. An epoch has as many batches either way, and only its
    /// last may be short.
    /// </summary>
    public static IEnumerable<int[]> Batches(int count, TrainingOptions options, string purpose, int totalSteps,
        IReadOnlyList<(int Prompt, int Response)>? lengths = null)
    {
        if (lengths is not null && lengths.Count != count) throw new ArgumentException($"{lengths.Count} lengths for {count} examples", nameof(lengths));
        var produced = 0;
        for (var epoch = 0; ; epoch++)
        {
            var order = Enumerable.Range(0, count).ToArray();
            KeyedRandom.Create(purpose, $"epoch {epoch}", options.Seed).Shuffle(order);
            var batches = lengths is null ? order.Chunk(options.BatchSize).ToArray() : Grouped(order, options.BatchSize, lengths);
            if (lengths is not null) KeyedRandom.Create(purpose, $"epoch {epoch} batches", options.Seed).Shuffle(batches);
            foreach (var batch in batches)
            {
                if (produced++ == totalSteps) yield break;
                yield return batch;
            }
        }
    }

    private static int[][] Grouped(int[] order, int batchSize, IReadOnlyList<(int Prompt, int Response)> lengths) =>
        [.. order.Chunk(batchSize * GroupWindow)
            .SelectMany(window => window.OrderBy(i => lengths[i].Prompt).Chunk(batchSize * GroupBand)
                .SelectMany(band => band.OrderBy(i => lengths[i].Response).Chunk(batchSize)))];
}
