namespace AlpacaFarm.Evaluation.Annotators;

/// <summary>Identifies one annotation: the annotator (id and configuration), the pair as shown, and the seed for random annotators.</summary>
public readonly record struct AnnotationKey(string AnnotatorKey, string Instruction, string Output1, string Output2, long? Seed);

/// <summary>A stored verdict that succeeded.</summary>
public sealed record CachedVerdict(double Preference, double Price, double TimeSeconds);

/// <summary>Durable memory of verdicts, so that a re-run asks no annotator. Failed verdicts are never stored.</summary>
public interface IAnnotationCache
{
    IReadOnlyDictionary<AnnotationKey, CachedVerdict> Get(IReadOnlyCollection<AnnotationKey> keys);

    void Put(IReadOnlyCollection<KeyValuePair<AnnotationKey, CachedVerdict>> verdicts);
}
