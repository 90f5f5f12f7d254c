using AlpacaFarm.Evaluation.Sets;

namespace AlpacaFarm.Evaluation.Annotators;

/// <summary>A named pool of annotators; each pair goes to one member. Its configuration hash identifies a board.</summary>
public sealed class AnnotatorPool
{
    public AnnotatorPool(string name, IReadOnlyList<IPairAnnotator> members)
    {
        if (members.Count == 0) throw new ArgumentException("A pool needs at least one annotator.", nameof(members));
        Name = name;
        Members = members;
        ConfigurationHash = ContentHash.Sha256(string.Concat(members.Select(member => $"{member.Id}\t{member.ConfigurationHash}\n")));
    }

    public string Name { get; }

    public IReadOnlyList<IPairAnnotator> Members { get; }

    /// <summary>SHA-256 over the members' ids and configuration hashes, in order.</summary>
    public string ConfigurationHash { get; }
}
