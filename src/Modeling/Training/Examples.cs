using AlpacaFarm.Abstractions.Randomness;

namespace AlpacaFarm.Modeling.Training;

/// <summary>An instruction and the response to imitate, conditioned on a control token when <paramref name="Control"/> is given.</summary>
public sealed record SftExample(string Instruction, string Response, string? Control = null);

/// <summary>An instruction with a preferred (chosen) and a dispreferred (rejected) response.</summary>
public sealed record PreferenceExample(string Instruction, string Chosen, string Rejected);

/// <summary>Batches training examples in a keyed order.</summary>
internal static class Examples
{
    /// <summary>Batches of indices for each epoch, shuffled by KeyedRandom(purpose, "epoch N", seed), up to <paramref name="totalSteps"/>.</summary>
    public static IEnumerable<int[]> Batches(int count, TrainingOptions options, string purpose, int totalSteps)
    {
        var produced = 0;
        for (var epoch = 0; ; epoch++)
        {
            var order = Enumerable.Range(0, count).ToArray();
            KeyedRandom.Create(purpose, $"epoch {epoch}", options.Seed).Shuffle(order);
            foreach (var batch in order.Chunk(options.BatchSize))
            {
                if (produced++ == totalSteps) yield break;
                yield return batch;
            }
        }
    }
}
