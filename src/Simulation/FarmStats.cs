using AlpacaFarm.Abstractions.Preferences;
using AlpacaFarm.Abstractions.Randomness;
using AlpacaFarm.Evaluation.Annotators;
using AlpacaFarm.Evaluation.Metrics;

namespace AlpacaFarm.Simulation;

/// <summary>One pool member on the calibration set.</summary>
/// <param name="HumanAgreement">% agreement of its vote with the mode of the 4 humans (ties broken at random).</param>
/// <param name="GoldAgreement">% agreement with the noiseless gold preference (pairs with a gold tie left out).</param>
/// <param name="PreferLonger">Share of pairs it gives to the longer output (pairs whose lengths differ by more than 30 characters).</param>
/// <param name="PreferFirst">Share of pairs it gives to the output shown first (position bias; 0.5 is none).</param>
public sealed record FarmMemberStats(string Id, string Bias, double HumanAgreement, double GoldAgreement, double PreferLonger, double PreferFirst, int Pairs);

/// <summary>One calibration variant against the reference.</summary>
/// <param name="SimulatedWinRate">Pool (evaluation mode) win-rate of the variant against the reference, %.</param>
/// <param name="GoldWinRate">100 · mean P(variant ≻ reference) under gold Bradley–Terry at the humans' temperature.</param>
public sealed record FarmVariantStats(
    string Variant, int Pairs, double SimulatedWinRate, double SimulatedStandardError, double GoldWinRate, double GoldStandardError,
    double MeanGoldScore, double AvgLength);

/// <summary>Everything <c>alpacafarm farm stats</c> prints. Agreements are percentages; P(prefer …) are shares in [0, 1].</summary>
/// <param name="Pairs">Calibration pairs.</param>
/// <param name="HumanHumanAgreement">Each human against the mode of the other three, averaged (AlpacaEval's leave-one-out); n = pairs × 4.</param>
/// <param name="PoolHumanAgreement">The pool's vote — the member assigned by (instruction, seed), as the evaluator assigns — against the mode of the four humans (ties at random); n = pairs.</param>
/// <param name="MeanMemberHumanAgreement">Every member's vote on every pair against the human mode, averaged over members.</param>
/// <param name="PoolGoldAgreement">The pool's vote against the noiseless gold preference; n = <paramref name="GoldPairs"/>.</param>
/// <param name="HumanGoldAgreement">A single human's vote against the noiseless gold preference.</param>
/// <param name="LongerPairs">Pairs whose lengths differ by more than 30 characters (the P(prefer longer) sample).</param>
public sealed record FarmStatsReport(
    string WorldVersion,
    long Seed,
    string EvalSha256,
    double HumanTemperature,
    int Pairs,
    int HumansPerPair,
    double HumanHumanAgreement,
    int HumanHumanVotes,
    double PoolHumanAgreement,
    double MeanMemberHumanAgreement,
    double PoolGoldAgreement,
    double HumanGoldAgreement,
    int GoldPairs,
    double GoldPreferLonger,
    double HumanPreferLonger,
    double PoolPreferLonger,
    int LongerPairs,
    double PoolPreferFirst,
    IReadOnlyList<FarmMemberStats> Members,
    IReadOnlyList<FarmVariantStats> Variants);

/// <summary>The gold win-rate of a set of outputs against references.</summary>
/// <param name="WinRate">100 · mean over instructions of P(output ≻ reference) under gold Bradley–Terry at the humans' temperature.</param>
/// <param name="StandardError">100 · standard error of the mean of those per-instruction values.</param>
public sealed record FarmGoldWinRate(double WinRate, double StandardError, int N, string WorldVersion);

/// <summary>
/// Measures the farm world's calibration properties (<c>alpacafarm farm stats</c>). The measurements consult gold and the
/// simulated humans, so they are internal (the host's Application calls them); the reports they return are public.
/// </summary>
public static class FarmStats
{
    /// <summary>Pairs count for P(prefer longer) only when their lengths differ by more than this many characters (AlpacaEval).</summary>
    public const int LongerThreshold = 30;

    /// <summary>The gold win-rate (and its standard error) of outputs against references, per instruction.</summary>
    internal static FarmGoldWinRate GoldWinRate(IEnumerable<(string Instruction, string Output, string Reference)> rows)
    {
        var values = rows.Select(row => FarmGold.HumanPreferenceProbability(row.Instruction, row.Output, row.Reference)).ToList();
        return new FarmGoldWinRate(100 * SampleStatistics.Mean(values), 100 * SampleStatistics.StandardError(values), values.Count, FarmWorld.CurrentWorld);
    }

    /// <summary>Measures agreement, length and position bias and the variants' win-rates on the calibration pairs.</summary>
    internal static async Task<FarmStatsReport> MeasureAsync(IReadOnlyList<FarmCalibrationPair> pairs, long seed, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        var members = FarmPool.Members;
        var pool = new PoolPreferenceService(FarmPool.Create(), new NoCache(), seed);
        var poolLabels = await pool.AnnotateAsync(pairs.Select(p => new PreferenceQuery(p.Instruction, p.Reference, p.Output)).ToList(), cancellationToken);

        double humanHuman = 0, humanGold = 0, poolHuman = 0, poolGold = 0, goldLonger = 0, humanLonger = 0, poolLonger = 0, poolFirst = 0;
        int goldPairs = 0, longerPairs = 0, goldLongerPairs = 0, firstPairs = 0;
        var memberHuman = new double[members.Count];
        var memberGold = new double[members.Count];
        var memberLonger = new double[members.Count];
        var memberFirst = new double[members.Count];
        var goldWin = new Dictionary<string, List<double>>(StringComparer.Ordinal);
        var goldScores = new Dictionary<string, List<double>>(StringComparer.Ordinal);

        for (var i = 0; i < pairs.Count; i++)
        {
            var pair = pairs[i];
            var task = FarmTask.ParseCached(pair.Instruction) ?? throw new ArgumentException($"not a farm instruction: {pair.Instruction}", nameof(pairs));
            var (gRef, gOut) = (FarmGold.Analyze(task, pair.Reference).Score, FarmGold.Analyze(task, pair.Output).Score);
            var pRef = FarmGold.BradleyTerry(gRef, gOut, FarmGold.HumanTemperature);
            Add(goldWin, pair.Variant, 1 - pRef);
            Add(goldScores, pair.Variant, gOut);

            // Four humans; 1 = reference, 2 = output.
            var votes = Enumerable.Range(0, FarmHumans.PerPair).Select(h => FarmHumans.Vote(pRef, pair.Instruction, pair.Reference, pair.Output, h, seed)).ToArray();
            for (var h = 0; h < votes.Length; h++)
            {
                var others = votes.Where((_, j) => j != h).ToArray();
                humanHuman += votes[h] == Mode(others, pair, seed, h) ? 1 : 0;
            }
            var mode = Mode(votes, pair, seed, -1);
            int? gold = gRef > gOut ? 1 : gRef < gOut ? 2 : null;
            if (gold is { } g)
            {
                goldPairs++;
                humanGold += votes.Count(v => v == g) / (double)votes.Length;
            }

            var poolVote = poolLabels[i].Preference;
            poolHuman += 1 - Math.Abs(poolVote - mode);
            if (gold is { } g2) poolGold += 1 - Math.Abs(poolVote - g2);

            var (refLength, outLength) = (WinRate.CodePointLength(pair.Reference), WinRate.CodePointLength(pair.Output));
            var longer = Math.Abs(refLength - outLength) > LongerThreshold ? (refLength > outLength ? 1 : 2) : (int?)null;
            if (longer is { } l)
            {
                longerPairs++;
                humanLonger += votes.Count(v => v == l) / (double)votes.Length;
                poolLonger += 1 - Math.Abs(poolVote - l);
                if (gold is { } g3) { goldLongerPairs++; goldLonger += g3 == l ? 1 : 0; }
            }

            // Every member on every pair, shown in the order the pool would show it.
            var swap = KeyedRandom.Create("output-order", pair.Instruction, seed).NextBool();
            var shown = swap ? new PairToJudge(pair.Instruction, pair.Output, pair.Reference) : new PairToJudge(pair.Instruction, pair.Reference, pair.Output);
            if (pair.Reference != pair.Output)
            {
                firstPairs++;
                var assigned = members[KeyedRandom.Create("annotator", pair.Instruction, seed).NextInt(members.Count)];
                poolFirst += assigned.Vote(shown, seed) == 1 ? 1 : 0;
            }
            for (var m = 0; m < members.Count; m++)
            {
                var shownVote = members[m].Vote(shown, seed);
                var vote = swap ? 3 - shownVote : shownVote;
                memberHuman[m] += 1 - Math.Abs(vote - mode);
                if (gold is { } g4) memberGold[m] += 1 - Math.Abs(vote - g4);
                if (longer is { } l2) memberLonger[m] += 1 - Math.Abs(vote - l2);
                memberFirst[m] += shownVote == 1 ? 1 : shownVote == 1.5 ? 0.5 : 0;
            }
        }

        var n = pairs.Count;
        var memberStats = members.Select((member, m) => new FarmMemberStats(member.Id, member.Bias,
            Percent(memberHuman[m], n), Percent(memberGold[m], goldPairs), Share(memberLonger[m], longerPairs), Share(memberFirst[m], n), n)).ToList();
        var variants = FarmCalibration.Variants.Where(goldWin.ContainsKey).Select(variant =>
        {
            var rows = Enumerable.Range(0, n).Where(i => pairs[i].Variant == variant).ToList();
            var simulated = WinRate.Compute(rows.Select(i => (double?)poolLabels[i].Preference).ToList(),
                rows.Select(i => WinRate.CodePointLength(pairs[i].Output)).ToList());
            var gold = goldWin[variant];
            return new FarmVariantStats(variant, rows.Count, simulated.WinRate, simulated.StandardError,
                100 * SampleStatistics.Mean(gold), 100 * SampleStatistics.StandardError(gold),
                goldScores[variant].Average(), simulated.AvgLength);
        }).ToList();

        return new FarmStatsReport(FarmWorld.WorldVersion, seed, FarmEvalSet.ExpectedSha256, FarmGold.HumanTemperature, n, FarmHumans.PerPair,
            Percent(humanHuman, n * FarmHumans.PerPair), n * FarmHumans.PerPair,
            Percent(poolHuman, n), memberStats.Average(member => member.HumanAgreement),
            Percent(poolGold, goldPairs), Percent(humanGold, goldPairs), goldPairs,
            Share(goldLonger, goldLongerPairs), Share(humanLonger, longerPairs), Share(poolLonger, longerPairs), longerPairs,
            Share(poolFirst, firstPairs), memberStats, variants);
    }

    // Mode of binary votes; a tie is broken by a coin keyed on the pair, who is left out, and the seed.
    private static int Mode(int[] votes, FarmCalibrationPair pair, long seed, int leftOut)
    {
        var ones = votes.Count(v => v == 1);
        var twos = votes.Length - ones;
        if (ones != twos) return ones > twos ? 1 : 2;
        var key = System.Text.Json.JsonSerializer.Serialize(new[] { pair.Instruction, pair.Reference, pair.Output, leftOut.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        return KeyedRandom.Create("farm-human-tie", key, seed).NextBool() ? 1 : 2;
    }

    private static void Add(Dictionary<string, List<double>> lists, string key, double value)
    {
        if (!lists.TryGetValue(key, out var list)) lists[key] = list = [];
        list.Add(value);
    }

    private static double Percent(double sum, int n) => n == 0 ? double.NaN : 100 * sum / n;

    private static double Share(double sum, int n) => n == 0 ? double.NaN : sum / n;

    private sealed class NoCache : IAnnotationCache
    {
        public IReadOnlyDictionary<AnnotationKey, CachedVerdict> Get(IReadOnlyCollection<AnnotationKey> keys) => new Dictionary<AnnotationKey, CachedVerdict>();

        public void Put(IReadOnlyCollection<KeyValuePair<AnnotationKey, CachedVerdict>> verdicts) { }
    }
}
