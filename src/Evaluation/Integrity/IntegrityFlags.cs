using System.Collections;

namespace AlpacaFarm.Evaluation.Integrity;

/// <summary>The flags a row raised, in check order; equal when they hold the same flags (records compare rows by value).</summary>
public sealed class IntegrityFlags(IEnumerable<IntegrityFlag> flags) : IReadOnlyList<IntegrityFlag>, IEquatable<IntegrityFlags>
{
    private readonly IntegrityFlag[] _flags = [.. flags];

    /// <summary>No flag: the row passed every check (or has not been checked yet).</summary>
    public static IntegrityFlags None { get; } = new([]);

    public IntegrityFlag this[int index] => _flags[index];

    public int Count => _flags.Length;

    /// <summary>Ranked: no flag lists the row apart (findings only, or none).</summary>
    public bool Ranked => _flags.All(flag => !flag.Unranks);

    public IEnumerator<IntegrityFlag> GetEnumerator() => ((IEnumerable<IntegrityFlag>)_flags).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => _flags.GetEnumerator();

    public bool Equals(IntegrityFlags? other) => other is not null && _flags.SequenceEqual(other._flags);

    public override bool Equals(object? obj) => Equals(obj as IntegrityFlags);

    // Consistent with Equals; rows are never hashed in bulk.
    public override int GetHashCode() => _flags.Length;

    public override string ToString() => _flags.Length == 0 ? "none" : string.Join(", ", _flags.Select(flag => flag.Id));
}
