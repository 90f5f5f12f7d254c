using AlpacaFarm.Abstractions.Randomness;
using AlpacaFarm.Modeling.Tokenization;

namespace AlpacaFarm.Modeling.Training;

/// <summary>An instruction and the response to imitate.</summary>
public sealed record SftExample(string Instruction, string Response);

/// <summary>An instruction with a preferred (chosen) and a dispreferred (rejected) response.</summary>
public sealed record PreferenceExample(string Instruction, string Chosen, string Rejected);

/// <summary>Turns examples into fitted id sequences and batches them in a keyed order.</summary>
internal static class Examples
{
    /// <summary>The prompt and response ids, cut to fit <paramref name="maxLength"/>: the prompt keeps its last
    /// tokens (at most half the length when the response needs room), the response its first.</summary>
    public static (int[] Prompt, int[] Response) Fit(ITokenizer tokenizer, string instruction, string response, int maxLength)
    {
        var prompt = PromptFormat.Prompt(tokenizer, instruction);
        var answer = PromptFormat.Response(tokenizer, response);
        if (prompt.Length + answer.Length <= maxLength) return (prompt, answer);
        var promptRoom = Math.Max(maxLength - answer.Length, maxLength / 2);
        if (prompt.Length > promptRoom) prompt = prompt[^promptRoom..];
        return (prompt, answer[..Math.Min(answer.Length, maxLength - prompt.Length)]);
    }

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
