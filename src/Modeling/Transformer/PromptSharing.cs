namespace AlpacaFarm.Modeling.Transformer;

/// <summary>
/// Which rows of a batch repeat another row's prompt, so that the prompt's keys and values are computed once and the
/// repeats read copies of them (Best-of-n's n draws of one instruction, a reward model scoring them). A prompt's keys
/// and values depend only on its own tokens, so a repeat's result is the same up to float rounding.
/// </summary>
/// <param name="Distinct">Rows holding the first occurrence of each distinct prompt, in batch order.</param>
/// <param name="Source">For every row, the index in <see cref="Distinct"/> of its prompt.</param>
public sealed record PromptSharing(int[] Distinct, long[] Source)
{
    /// <summary>The sharing of <paramref name="prompts"/>, or null when no prompt repeats (nothing to share).</summary>
    public static PromptSharing? Of(IReadOnlyList<IReadOnlyList<int>> prompts)
    {
        ArgumentNullException.ThrowIfNull(prompts);
        var first = new Dictionary<IReadOnlyList<int>, int>(TokenSequenceComparer.Instance);
        var distinct = new List<int>();
        var source = new long[prompts.Count];
        for (var row = 0; row < prompts.Count; row++)
        {
            if (!first.TryGetValue(prompts[row], out var index))
            {
                index = distinct.Count;
                first[prompts[row]] = index;
                distinct.Add(row);
            }
            source[row] = index;
        }
        return distinct.Count == prompts.Count ? null : new PromptSharing([.. distinct], source);
    }

    private sealed class TokenSequenceComparer : IEqualityComparer<IReadOnlyList<int>>
    {
        public static readonly TokenSequenceComparer Instance = new();

        public bool Equals(IReadOnlyList<int>? x, IReadOnlyList<int>? y) =>
            ReferenceEquals(x, y) || (x is not null && y is not null && x.SequenceEqual(y));

        // Only groups equal prompts within one process; a stable (FNV-1a) hash keeps the banned HashCode out anyway.
        public int GetHashCode(IReadOnlyList<int> tokens)
        {
            var hash = 2166136261u;
            foreach (var token in tokens) hash = (hash ^ (uint)token) * 16777619u;
            return (int)hash;
        }
    }
}
