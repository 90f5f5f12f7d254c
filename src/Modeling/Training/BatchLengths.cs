namespace AlpacaFarm.Modeling.Training;

/// <summary>
/// The prompt and response token counts that length-grouped batches sort by (<see cref="TrainingLoop"/>'s grouped
/// overload): a pair is laid out as its chosen and its rejected sequence in one batch, so it counts the longer of each.
/// </summary>
public static class BatchLengths
{
    /// <summary>One (prompt, response) count per fitted example.</summary>
    public static (int Prompt, int Response)[] Of(IEnumerable<(int[] Prompt, int[] Response)> fitted) =>
        [.. fitted.Select(f => (f.Prompt.Length, f.Response.Length))];

    /// <summary>One count per pair: the longer prompt and the longer response of its chosen and rejected sequences.</summary>
    public static (int Prompt, int Response)[] OfPairs(IReadOnlyList<(int[] Prompt, int[] Response)> chosen, IReadOnlyList<(int[] Prompt, int[] Response)> rejected)
    {
        if (chosen.Count != rejected.Count) throw new ArgumentException($"{chosen.Count} chosen and {rejected.Count} rejected sequences");
        return [.. chosen.Zip(rejected, (c, r) => (Math.Max(c.Prompt.Length, r.Prompt.Length), Math.Max(c.Response.Length, r.Response.Length)))];
    }
}
