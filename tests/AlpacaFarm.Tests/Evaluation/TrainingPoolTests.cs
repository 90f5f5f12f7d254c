using AlpacaFarm.Abstractions.Preferences;
using AlpacaFarm.Application.Evaluation;
using AlpacaFarm.Evaluation.Annotators;
using AlpacaFarm.Runner.Farm;
using AlpacaFarm.Evaluation.Sets;
using AlpacaFarm.Leaderboard;
using AlpacaFarm.Runner.Evaluation;
using AlpacaFarm.Modeling.Data;

namespace AlpacaFarm.Tests.Evaluation;

/// <summary>The training pool: label noise, budgets and the shared preference data, over the real SQLite cache.</summary>
public sealed class TrainingPoolTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("alpacafarm-training-").FullName;
    private readonly LeaderboardStore _store;
    private readonly CountingAnnotator _annotator = new();

    public TrainingPoolTests() => _store = LeaderboardStore.Open(Path.Combine(_folder, "db.sqlite"));

    public void Dispose()
    {
        _store.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task A_quarter_of_labels_are_flipped_and_flipped_rows_ask_nobody()
    {
        var pairs = Pairs(10_000, instructions: 10_000);

        var clean = await Service(seed: 1).AnnotateAsync(pairs, CancellationToken.None);
        var training = Service(seed: 1, LabelNoise.Training);
        var noisy = await training.AnnotateAsync(pairs, CancellationToken.None);

        var flipped = Enumerable.Range(0, pairs.Count).Count(i => noisy[i].Preference != clean[i].Preference);
        Assert.InRange(flipped / 10_000.0, 0.23, 0.27);
        var coins = noisy.Count(label => label.AnnotatorId == LabelNoise.AnnotatorId);
        Assert.InRange(coins / 10_000.0, 0.48, 0.52);
        Assert.Equal(0, training.AnnotatorCalls); // the others were cached by the clean run
        Assert.All(noisy.Where(label => label.AnnotatorId == LabelNoise.AnnotatorId), label => Assert.Equal(0, label.Price));
    }

    [Fact]
    public async Task Pairs_sharing_an_instruction_flip_independently()
    {
        var pairs = Pairs(2_000, instructions: 1);

        var clean = await Service(seed: 4).AnnotateAsync(pairs, CancellationToken.None);
        var noisy = await Service(seed: 4, LabelNoise.Training).AnnotateAsync(pairs, CancellationToken.None);

        var flipped = Enumerable.Range(0, pairs.Count).Count(i => noisy[i].Preference != clean[i].Preference);
        Assert.InRange(flipped / 2_000.0, 0.20, 0.30);
    }

    [Fact]
    public async Task Noise_is_reproducible_from_the_seed()
    {
        var pairs = Pairs(500, instructions: 50);

        var a = await Service(seed: 9, LabelNoise.Training).AnnotateAsync(pairs, CancellationToken.None);
        var b = await Service(seed: 9, LabelNoise.Training).AnnotateAsync(pairs, CancellationToken.None);
        var c = await Service(seed: 10, LabelNoise.Training).AnnotateAsync(pairs, CancellationToken.None);

        Assert.Equal(a.Select(label => (label.Preference, label.AnnotatorId)), b.Select(label => (label.Preference, label.AnnotatorId)));
        Assert.NotEqual(a.Select(label => label.AnnotatorId), c.Select(label => label.AnnotatorId));
    }

    [Fact]
    public async Task Budget_of_800_stops_a_1000_label_sequence_after_exactly_800_and_a_rerun_asks_nobody()
    {
        var pairs = Pairs(1_000, instructions: 1_000);

        var delivered = await AskInBatches(new BudgetedPreferenceService(Service(seed: 2, LabelNoise.Training), 800), pairs);
        var calls = _annotator.Calls;
        var rerunPool = Service(seed: 2, LabelNoise.Training);
        var again = await AskInBatches(new BudgetedPreferenceService(rerunPool, 800), pairs);

        Assert.Equal((800, "preference budget exceeded: asked for 100 labels, 0 of 800 remain"), delivered);
        Assert.InRange(calls, 300, 500); // about half the labels are coins, which ask nobody
        Assert.Equal(delivered, again);
        Assert.Equal(0, rerunPool.AnnotatorCalls);
    }

    [Fact]
    public async Task Budget_counts_cached_and_flipped_labels_but_dollars_only_real_calls()
    {
        var pairs = Pairs(100, instructions: 100);
        var budgeted = new BudgetedPreferenceService(Service(seed: 3, LabelNoise.Training), 1_000);

        await budgeted.AnnotateAsync(pairs, CancellationToken.None);
        await budgeted.AnnotateAsync(pairs, CancellationToken.None); // all cached or coins now
        var budget = await budgeted.GetBudgetAsync(CancellationToken.None);

        Assert.Equal(200, budget.LabelsDelivered);
        Assert.Equal(800, budget.Remaining);
        Assert.Equal(_annotator.Calls * CountingAnnotator.Price, budget.DollarsSpent, 9);
    }

    [Fact]
    public async Task A_failed_label_fails_the_labelling_and_only_it_is_asked_again()
    {
        var pairs = Pairs(20, instructions: 20);
        _annotator.FailOn = pairs[3].Instruction;

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => PreferenceLabelling.LabelAsync(pairs, Service(seed: 0), CancellationToken.None));
        _annotator.FailOn = null;
        var retry = Service(seed: 0);
        var rows = await PreferenceLabelling.LabelAsync(pairs, retry, CancellationToken.None);

        Assert.Equal("1 of 20 pairs could not be labelled; run again to retry them", error.Message);
        Assert.Equal(1, retry.AnnotatorCalls);
        Assert.Equal(20, rows.Count);
        Assert.Equal(pairs[7].Output2, rows[7].Output2);
        Assert.All(rows, row => Assert.Contains(row.Preference, new[] { 1.0, 2.0 }));
    }

    private PoolPreferenceService Service(long seed, LabelNoise? noise = null) =>
        new(new AnnotatorPool("test", [_annotator]), new StoreAnnotationCache(_store), seed, noise: noise);

    private static List<PreferenceQuery> Pairs(int count, int instructions) =>
        Enumerable.Range(0, count).Select(i => new PreferenceQuery($"instruction {i % instructions}", $"answer a{i}", $"answer b {i} longer")).ToList();

    private static async Task<(int Delivered, string? Error)> AskInBatches(IPreferenceService service, IReadOnlyList<PreferenceQuery> pairs)
    {
        var delivered = 0;
        try
        {
            foreach (var batch in pairs.Chunk(100))
                delivered += (await service.AnnotateAsync(batch, CancellationToken.None)).Count;
            return (delivered, null);
        }
        catch (PreferenceBudgetExceededException e)
        {
            return (delivered, e.Message);
        }
    }

    /// <summary>Prefers the longer output shown (deterministic), counts calls, and can fail on one instruction.</summary>
    private sealed class CountingAnnotator : IPairAnnotator
    {
        public const double Price = 0.001;

        public int Calls { get; private set; }

        public string? FailOn { get; set; }

        public string Id => "counting";

        public string ConfigurationHash => ContentHash.Sha256("counting/1");

        public bool IsRandom => false;

        public Task<IReadOnlyList<Verdict>> JudgeAsync(IReadOnlyList<PairToJudge> pairs, long seed, CancellationToken cancellationToken)
        {
            Calls += pairs.Count;
            return Task.FromResult<IReadOnlyList<Verdict>>(pairs.Select(pair => pair.Instruction == FailOn
                ? new Verdict(null, 0, 0)
                : new Verdict(pair.Output1.Length > pair.Output2.Length ? 1 : 2, Price, 0.5)).ToList());
        }
    }
}
