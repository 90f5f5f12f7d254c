using AlpacaFarm.Abstractions.Preferences;
using AlpacaFarm.Evaluation.Annotators;
using AlpacaFarm.Evaluation.Imports;
using AlpacaFarm.Evaluation.Metrics;

namespace AlpacaFarm.Evaluation.Agreement;

/// <summary>How one annotator (a pool, one member, or the <c>longest</c> baseline) agrees with a file's judgments.</summary>
/// <param name="Kind">"pool", "member" or "baseline".</param>
/// <param name="Pairs">Rows with a non-draw judgment (preference 1 or 2) that were scored.</param>
/// <param name="Agreement">Share of those rows where the annotator's rounded preference matches; a draw counts half.</param>
/// <param name="Low">95% Wilson score interval, lower end.</param>
/// <param name="High">95% Wilson score interval, upper end.</param>
/// <param name="LongerPairs">Rows whose two outputs differ by more than 30 code points.</param>
/// <param name="PreferLonger">Share of those where the annotator prefers the longer output (a draw counts half).</param>
/// <param name="FirstPosition">Share of verdicts, over both shown orders of every pair with distinct outputs, that favour
/// the output shown first (a draw counts half): 0.5 is no position bias.</param>
public sealed record AgreementRow(
    string Annotator,
    string Kind,
    int Pairs,
    double Agreement,
    double Low,
    double High,
    int LongerPairs,
    double PreferLonger,
    double FirstPosition);

/// <summary>One annotations file's numbers.</summary>
/// <param name="Decisive">Rows with preference 1 or 2; the others (1.5, 0, null) are excluded from agreement.</param>
/// <param name="JudgePreferLonger">The file's own judge's P(prefer longer), over rows differing by more than 30 code points
/// with a parsed preference (a draw counts half).</param>
public sealed record FileAgreement(
    string Path,
    string Judge,
    string Generator1,
    string Generator2,
    int Rows,
    int Decisive,
    double JudgePreferLonger,
    IReadOnlyList<AgreementRow> Annotators);

/// <summary>
/// Measures annotators against published pairwise judgments (AlpacaEval annotations.json). Every annotator is asked through
/// <see cref="PoolPreferenceService"/> — the evaluator's own member assignment and shown-order randomisation from
/// (instruction, seed) — with a cache that stores nothing. Each pair is asked in both orders (the service shows the
/// reversed query in the other order to the same member): agreement and P(prefer longer) use the file's order, position
/// bias uses both.
/// </summary>
public static class AgreementAnalysis
{
    /// <summary>AlpacaEval counts a length preference only where lengths differ by more than this many characters.</summary>
    public const int LengthMargin = 30;

    private const double Z95 = 1.959963984540054;

    /// <summary>The pool, then each of its members (when it has more than one), then <c>longest</c>.</summary>
    public static async Task<FileAgreement> MeasureAsync(string path, IReadOnlyList<ImportedAnnotation> rows, AnnotatorPool pool, long seed,
        CancellationToken cancellationToken)
    {
        var annotators = new List<AgreementRow> { await MeasureAsync(pool.Name, "pool", rows, pool, seed, cancellationToken) };
        if (pool.Members.Count > 1)
        {
            foreach (var member in pool.Members)
                annotators.Add(await MeasureAsync(member.Id, "member", rows, new AnnotatorPool(member.Id, [member]), seed, cancellationToken));
        }
        if (pool.Name != "longest" || pool.Members.Count != 1 || pool.Members[0] is not LongestAnnotator)
            annotators.Add(await MeasureAsync("longest", "baseline", rows, BuiltInPools.Get("longest"), seed, cancellationToken));

        var judged = rows.Where(row => row.Preference is not null && Differ(row)).ToList();
        return new FileAgreement(path,
            rows.Select(row => row.Annotator).Distinct(StringComparer.Ordinal).Count() == 1 ? rows[0].Annotator : "several",
            rows[0].Generator1, rows[0].Generator2, rows.Count, rows.Count(IsDecisive),
            judged.Count == 0 ? double.NaN : judged.Average(row => Credit(Human(row.Preference!.Value), Longer(row))),
            annotators);
    }

    /// <summary>One annotator (given as a pool) against the rows.</summary>
    public static async Task<AgreementRow> MeasureAsync(string name, string kind, IReadOnlyList<ImportedAnnotation> rows, AnnotatorPool pool,
        long seed, CancellationToken cancellationToken)
    {
        var recorder = new AnnotatorPool(pool.Name, pool.Members.Select(member => (IPairAnnotator)new RecordingAnnotator(member)).ToList());
        var queries = rows.Select(row => new PreferenceQuery(row.Instruction, row.Output1, row.Output2))
            .Concat(rows.Select(row => new PreferenceQuery(row.Instruction, row.Output2, row.Output1))).ToList();
        var labels = await new PoolPreferenceService(recorder, NoAnnotationCache.Instance, seed).AnnotateAsync(queries, cancellationToken);

        var decisive = Enumerable.Range(0, rows.Count).Where(i => IsDecisive(rows[i])).ToList();
        var agreement = decisive.Count == 0 ? double.NaN : decisive.Average(i => Credit(labels[i].Preference, (int)rows[i].Preference!.Value));
        var (low, high) = Wilson(agreement, decisive.Count);
        var longer = Enumerable.Range(0, rows.Count).Where(i => Differ(rows[i])).ToList();
        var preferLonger = longer.Count == 0 ? double.NaN : longer.Average(i => Credit(labels[i].Preference, Longer(rows[i])));
        var shown = recorder.Members.Cast<RecordingAnnotator>().SelectMany(member => member.Preferences).ToList();
        var first = shown.Count == 0 ? double.NaN : shown.Average(preference => Credit(preference, 1));
        return new AgreementRow(name, kind, decisive.Count, agreement, low, high, longer.Count, preferLonger, first);
    }

    /// <summary>Credit for a preference against a target label: 1 if it rounds to the target, ½ for a draw (exactly 1.5) or a failure, else 0.</summary>
    public static double Credit(double preference, int target)
    {
        if (double.IsNaN(preference) || preference == 1.5) return 0.5;
        return (preference > 1.5 ? 2 : 1) == target ? 1 : 0;
    }

    /// <summary>95% Wilson score interval for a proportion from n trials (half credits allowed in the proportion).</summary>
    public static (double Low, double High) Wilson(double proportion, int n)
    {
        if (n == 0 || double.IsNaN(proportion)) return (double.NaN, double.NaN);
        var z2 = Z95 * Z95;
        var centre = (proportion + z2 / (2 * n)) / (1 + z2 / n);
        var half = Z95 * Math.Sqrt(proportion * (1 - proportion) / n + z2 / (4.0 * n * n)) / (1 + z2 / n);
        return (Math.Max(0, centre - half), Math.Min(1, centre + half));
    }

    private static bool IsDecisive(ImportedAnnotation row) => row.Preference is 1 or 2;

    // The file's label as a preference: 0 (AlpacaEval's legacy draw) becomes 1.5.
    private static double Human(double preference) => preference == 0 ? 1.5 : preference;

    private static bool Differ(ImportedAnnotation row) =>
        Math.Abs(WinRate.CodePointLength(row.Output1) - WinRate.CodePointLength(row.Output2)) > LengthMargin;

    private static int Longer(ImportedAnnotation row) => WinRate.CodePointLength(row.Output1) > WinRate.CodePointLength(row.Output2) ? 1 : 2;

    /// <summary>Passes verdicts through and remembers them as shown (position 1 or 2), for the position-bias count.</summary>
    private sealed class RecordingAnnotator(IPairAnnotator inner) : IPairAnnotator
    {
        private readonly List<double> _preferences = [];

        public IReadOnlyList<double> Preferences => _preferences;

        public string Id => inner.Id;

        public string ConfigurationHash => inner.ConfigurationHash;

        public bool IsRandom => inner.IsRandom;

        public async Task<IReadOnlyList<Verdict>> JudgeAsync(IReadOnlyList<PairToJudge> pairs, long seed, CancellationToken cancellationToken)
        {
            var verdicts = await inner.JudgeAsync(pairs, seed, cancellationToken);
            lock (_preferences) _preferences.AddRange(verdicts.Select(verdict => verdict.Preference ?? double.NaN));
            return verdicts;
        }
    }
}

/// <summary>An annotation cache that remembers nothing: every pair is asked.</summary>
public sealed class NoAnnotationCache : IAnnotationCache
{
    public static NoAnnotationCache Instance { get; } = new();

    public IReadOnlyDictionary<AnnotationKey, CachedVerdict> Get(IReadOnlyCollection<AnnotationKey> keys) =>
        new Dictionary<AnnotationKey, CachedVerdict>();

    public void Put(IReadOnlyCollection<KeyValuePair<AnnotationKey, CachedVerdict>> verdicts)
    {
    }
}
