namespace AlpacaFarm.Evaluation.Annotators;

/// <summary>A member of an annotator pool: a rule, a simulated annotator or an LLM judge.</summary>
public interface IPairAnnotator
{
    /// <summary>Short name recorded with each annotation (e.g. "longest").</summary>
    string Id { get; }

    /// <summary>Hash of everything that shapes its verdicts (prompt, model, parser...): part of the cache key.</summary>
    string ConfigurationHash { get; }

    /// <summary>Whether its verdicts are random: then the seed is part of the cache key.</summary>
    bool IsRandom { get; }

    /// <summary>One verdict per pair, in order.</summary>
    Task<IReadOnlyList<Verdict>> JudgeAsync(IReadOnlyList<PairToJudge> pairs, long seed, CancellationToken cancellationToken);
}
