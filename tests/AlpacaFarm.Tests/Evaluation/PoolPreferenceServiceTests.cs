using AlpacaFarm.Abstractions.Preferences;
using AlpacaFarm.Application.Evaluation;
using AlpacaFarm.Evaluation.Annotators;
using AlpacaFarm.Evaluation.Sets;
using AlpacaFarm.Leaderboard;
using AlpacaFarm.Runner.Evaluation;

namespace AlpacaFarm.Tests.Evaluation;

/// <summary>The evaluation pool's mechanics, with the real SQLite annotation cache.</summary>
public sealed class PoolPreferenceServiceTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("alpacafarm-pool-").FullName;
    private readonly LeaderboardStore _store;

    public PoolPreferenceServiceTests() => _store = LeaderboardStore.Open(Path.Combine(_folder, "db.sqlite"));

    public void Dispose()
    {
        _store.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task Identical_outputs_are_a_draw_without_asking()
    {
        var first = new PrefersFirstShown("a");
        var service = Service(new AnnotatorPool("p", [first]), seed: 0);

        var labels = await service.AnnotateAsync([new PreferenceQuery("Q", "same", "same")], CancellationToken.None);

        Assert.Equal(1.5, labels[0].Preference);
        Assert.Equal(PoolPreferenceService.IdenticalOutputs, labels[0].AnnotatorId);
        Assert.Equal(0, service.AnnotatorCalls);
        Assert.Empty(first.Seen);
    }

    [Fact]
    public async Task Shown_order_is_randomised_per_instruction_and_undone()
    {
        var annotator = new PrefersFirstShown("a");
        var queries = Enumerable.Range(0, 200).Select(i => new PreferenceQuery($"Q{i}", "reference", "model")).ToList();

        var labels = await Service(new AnnotatorPool("p", [annotator]), seed: 3).AnnotateAsync(queries, CancellationToken.None);

        // The annotator always prefers what it saw first: the label says which output that was.
        for (var i = 0; i < queries.Count; i++)
        {
            var shown = annotator.Seen.Single(pair => pair.Instruction == queries[i].Instruction);
            Assert.Equal(shown.Output1 == "reference" ? 1.0 : 2.0, labels[i].Preference);
        }
        Assert.InRange(labels.Count(label => label.Preference == 2), 70, 130);
    }

    [Fact]
    public async Task Each_instruction_goes_to_the_member_chosen_from_instruction_and_seed()
    {
        PrefersFirstShown[] members = [new("m0"), new("m1"), new("m2")];
        var pool = new AnnotatorPool("p", members);
        var queries = Enumerable.Range(0, 90).Select(i => new PreferenceQuery($"Q{i}", "r", $"model-a-{i}")).ToList();
        var otherModel = queries.Select(query => query with { Output2 = query.Output2.Replace("model-a", "model-b") }).ToList();

        var a = await Service(pool, seed: 1).AnnotateAsync(queries, CancellationToken.None);
        var b = await Service(pool, seed: 1).AnnotateAsync(otherModel, CancellationToken.None);
        var c = await Service(pool, seed: 2).AnnotateAsync(queries, CancellationToken.None);

        Assert.Equal(a.Select(label => label.AnnotatorId), b.Select(label => label.AnnotatorId));
        Assert.NotEqual(a.Select(label => label.AnnotatorId), c.Select(label => label.AnnotatorId));
        Assert.All(members, member => Assert.InRange(a.Count(label => label.AnnotatorId == member.Id), 15, 45));
    }

    [Fact]
    public async Task A_rerun_asks_nobody_and_gets_the_same_labels()
    {
        var annotator = new PrefersFirstShown("a");
        var pool = new AnnotatorPool("p", [annotator]);
        var queries = Enumerable.Range(0, 50).Select(i => new PreferenceQuery($"Q{i}", "r", "m")).ToList();

        var first = Service(pool, seed: 0);
        var labels = await first.AnnotateAsync(queries, CancellationToken.None);
        var second = Service(pool, seed: 0);
        var again = await second.AnnotateAsync(queries, CancellationToken.None);

        Assert.Equal(50, first.AnnotatorCalls);
        Assert.Equal(0, second.AnnotatorCalls);
        Assert.Equal(labels.Select(label => label.Preference), again.Select(label => label.Preference));
        Assert.Equal(50, annotator.Seen.Count);
    }

    [Fact]
    public async Task Failed_verdicts_are_not_cached_and_are_asked_again()
    {
        var flaky = new PrefersFirstShown("flaky") { Fails = true };
        var pool = new AnnotatorPool("p", [flaky]);
        var queries = new[] { new PreferenceQuery("Q", "r", "m") };

        var failed = await Service(pool, seed: 0).AnnotateAsync(queries, CancellationToken.None);
        flaky.Fails = false;
        var retried = Service(pool, seed: 0);
        var labels = await retried.AnnotateAsync(queries, CancellationToken.None);

        Assert.True(double.IsNaN(failed[0].Preference));
        Assert.Equal(1, retried.AnnotatorCalls);
        Assert.False(double.IsNaN(labels[0].Preference));
    }

    [Fact]
    public async Task Longest_prefers_more_code_points_and_draws_on_equal_length()
    {
        var verdicts = await new LongestAnnotator().JudgeAsync(
            [new PairToJudge("q", "short", "much longer"), new PairToJudge("q", "ééé", "abc"), new PairToJudge("q", "😀😀", "ab")],
            0, CancellationToken.None);

        Assert.Equal([2.0, 1.5, 1.5], verdicts.Select(verdict => verdict.Preference!.Value));
    }

    [Fact]
    public void Pool_hash_depends_on_members_and_their_configuration()
    {
        var one = new AnnotatorPool("x", [new PrefersFirstShown("a")]);
        var same = new AnnotatorPool("y", [new PrefersFirstShown("a")]);
        var other = new AnnotatorPool("x", [new PrefersFirstShown("b")]);

        Assert.Equal(one.ConfigurationHash, same.ConfigurationHash);
        Assert.NotEqual(one.ConfigurationHash, other.ConfigurationHash);
    }

    private PoolPreferenceService Service(AnnotatorPool pool, long seed) => new(pool, new StoreAnnotationCache(_store), seed);

    /// <summary>A deterministic annotator that always prefers the output shown first, remembering what it was shown.</summary>
    private sealed class PrefersFirstShown(string id) : IPairAnnotator
    {
        public List<PairToJudge> Seen { get; } = [];

        public bool Fails { get; set; }

        public string Id => id;

        public string ConfigurationHash => ContentHash.Sha256("prefers-first/" + id);

        public bool IsRandom => false;

        public Task<IReadOnlyList<Verdict>> JudgeAsync(IReadOnlyList<PairToJudge> pairs, long seed, CancellationToken cancellationToken)
        {
            Seen.AddRange(pairs);
            return Task.FromResult<IReadOnlyList<Verdict>>(pairs.Select(_ => new Verdict(Fails ? null : 1, 0.01, 0.1)).ToList());
        }
    }
}
