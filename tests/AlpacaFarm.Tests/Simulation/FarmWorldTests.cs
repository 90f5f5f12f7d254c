using AlpacaFarm.Abstractions.Text;
using System.Reflection;
using System.Text.RegularExpressions;
using AlpacaFarm.Abstractions.Preferences;
using AlpacaFarm.Evaluation.Annotators;
using AlpacaFarm.Simulation;

namespace AlpacaFarm.Tests.Simulation;

public sealed class FarmWorldTests
{
    private static readonly FarmSplitSizes Small = new(Sft: 300, Preference: 200, Unlabeled: 200, Validation: 100, Eval: 150);

    [Fact]
    public void The_same_seed_gives_identical_splits_and_another_seed_different_ones()
    {
        var a = FarmWorld.Generate(Small, 7);
        var b = FarmWorld.Generate(Small, 7);
        var c = FarmWorld.Generate(Small, 8);

        Assert.Equal(a.Sft, b.Sft);
        Assert.Equal(a.Preference.Select(i => i.Instruction), b.Preference.Select(i => i.Instruction));
        Assert.Equal(a.Unlabeled.Select(i => i.Instruction), b.Unlabeled.Select(i => i.Instruction));
        Assert.Equal(a.Validation.Select(i => i.Instruction), b.Validation.Select(i => i.Instruction));
        Assert.Equal(a.Eval.Select(i => i.Instruction), b.Eval.Select(i => i.Instruction));
        Assert.NotEqual(a.Sft.Select(d => d.Instruction), c.Sft.Select(d => d.Instruction));
        Assert.NotEqual(a.Eval.Select(i => i.Instruction), c.Eval.Select(i => i.Instruction));
    }

    [Fact]
    public void The_demonstrator_answers_a_repeated_instruction_differently_across_the_sft_split()
    {
        var sft = FarmWorld.Generate(new FarmSplitSizes(Sft: 3000, Preference: 0, Unlabeled: 0, Validation: 0, Eval: 0), 7).Sft;

        var repeated = sft.GroupBy(d => d.Instruction).Where(g => g.Count() >= 3).ToList();

        Assert.NotEmpty(repeated);
        // Most repeated instructions get more than one distinct demonstration (a few short answers coincide by chance).
        Assert.True(repeated.Count(g => g.Select(d => d.Output).Distinct().Count() > 1) > repeated.Count / 2,
            $"{repeated.Count} repeated instructions, varied: {repeated.Count(g => g.Select(d => d.Output).Distinct().Count() > 1)}");
        Assert.Equal(FarmResponders.RespondAsDemonstrator(FarmTask.Parse(sft[5].Instruction)!, 7, 5), sft[5].Output);
    }

    [Fact]
    public void Split_sizes_are_honoured_and_eval_instructions_are_distinct()
    {
        var splits = FarmWorld.Generate(Small, 1);
        Assert.Equal(300, splits.Sft.Count);
        Assert.Equal(200, splits.Preference.Count);
        Assert.Equal(200, splits.Unlabeled.Count);
        Assert.Equal(100, splits.Validation.Count);
        Assert.Equal(150, splits.Eval.Select(i => i.Instruction).Distinct().Count());
        Assert.Equal(FarmFamilies.All.Order(), splits.Sft.Select(d => d.Family).Distinct().Order());
        Assert.Equal(805, FarmSplitSizes.Paper.Eval);
        Assert.Equal(10_000, FarmSplitSizes.Paper.Sft);
    }

    [Fact]
    public async Task Pool_labels_are_deterministic_in_the_seed()
    {
        var splits = FarmWorld.Generate(Small, 3);
        var queries = splits.Preference.Take(100).Select(i => new PreferenceQuery(i.Instruction,
            FarmResponders.RespondAsDemonstrator(i.Task, 3), FarmResponders.RespondAsReference(i.Task, 3))).ToList();

        async Task<double[]> Labels(long seed) =>
            (await new PoolPreferenceService(FarmPool.Create(), new MemoryCache(), seed, noise: LabelNoise.Training)
                .AnnotateAsync(queries, CancellationToken.None)).Select(l => l.Preference).ToArray();

        Assert.Equal(await Labels(11), await Labels(11));
        Assert.NotEqual(await Labels(11), await Labels(12));
    }

    [Fact]
    public void Every_generated_text_is_canonical_and_inside_the_vocabulary()
    {
        var vocabulary = FarmWorld.Vocabulary.ToHashSet(StringComparer.Ordinal);
        Assert.Equal(FarmWorld.Vocabulary.Order(StringComparer.Ordinal), FarmWorld.Vocabulary);
        Assert.Equal(FarmWorld.Vocabulary.Count, vocabulary.Count);
        Assert.InRange(vocabulary.Count, 200, 1500);

        var splits = FarmWorld.Generate(Small, 5);
        var texts = splits.Sft.SelectMany(d => new[] { d.Instruction, d.Output })
            .Concat(splits.Preference.Concat(splits.Unlabeled).Concat(splits.Validation).Concat(splits.Eval).Select(i => i.Instruction))
            .Concat(splits.Eval.Select(i => FarmResponders.RespondAsReference(i.Task, 5)))
            .Concat(FarmCalibration.Build(splits.Eval.Select(i => (i.Task, FarmResponders.RespondAsReference(i.Task, 5))), 5).Select(p => p.Output))
            .ToList();
        foreach (var text in texts)
        {
            Assert.Equal(text, CanonicalText.Detokenize(CanonicalText.Tokenize(text)));
            Assert.All(CanonicalText.Tokenize(text), token => Assert.Contains(token, vocabulary));
        }
        Assert.Contains("\n", vocabulary);
        var lengths = splits.Sft.Select(d => CanonicalText.Tokenize(d.Output).Count).ToList();
        Assert.InRange(lengths.Average(), 5, 80);
    }

    [Fact]
    public void Canonical_text_follows_the_spacing_rules()
    {
        Assert.Equal("Here are 2 fruits:\n1. apple\n2. pear", CanonicalText.Detokenize(["Here", "are", "2", "fruits", ":", "\n", "1", ".", "apple", "\n", "2", ".", "pear"]));
        Assert.Equal("a (b) c, d!", CanonicalText.Detokenize(CanonicalText.Tokenize("a ( b ) c , d !")));
        Assert.Equal(["x", "\n", "12", "ab", "?"], CanonicalText.Tokenize("x \n 12ab?"));
    }

    [Fact]
    public void Instructions_parse_back_to_their_task()
    {
        foreach (var item in FarmWorld.Generate(Small, 9).Eval)
        {
            var parsed = FarmTask.Parse(item.Instruction);
            Assert.NotNull(parsed);
            Assert.Equal(item.Instruction, parsed.Instruction);
            Assert.Equal(item.Task.Parameters, parsed.Parameters);
        }
        Assert.Null(FarmTask.Parse("Write a poem about the sea."));
    }

    [Fact]
    public void The_pool_has_13_distinct_random_members_with_documented_biases()
    {
        var pool = FarmPool.Create();
        Assert.Equal(13, pool.Members.Count);
        Assert.Equal(13, pool.Members.Select(m => m.Id).Distinct().Count());
        Assert.Equal(13, pool.Members.Select(m => m.ConfigurationHash).Distinct().Count());
        Assert.All(FarmPool.Members, m => Assert.False(string.IsNullOrWhiteSpace(m.Bias)));
        Assert.All(pool.Members, m => Assert.True(m.IsRandom));
    }

    [Fact]
    public void Simulated_humans_and_gold_are_not_public()
    {
        var assembly = typeof(FarmWorld).Assembly;
        // What a plugin could call: every method of every type visible outside the assembly (property accessors are data).
        var callable = assembly.GetExportedTypes()
            .SelectMany(type => type.GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly)
                .Where(method => !method.IsSpecialName).Select(method => (Type: type.Name, method.Name)))
            .ToList();

        Assert.False(typeof(FarmGold).IsVisible);
        Assert.False(typeof(FarmGoldBreakdown).IsVisible);
        Assert.False(assembly.GetTypes().Single(type => type.Name == nameof(FarmHumans)).IsVisible);
        // The ways in: scoring gold, a human's vote or preference probability, and the measurements built on them.
        Assert.DoesNotContain(callable, method => Regex.IsMatch(method.Name, "Gold|Human|Vote|BradleyTerry|Analyze|Measure"));
        Assert.Contains((nameof(FarmWorld), nameof(FarmWorld.Generate)), callable); // the scan sees the public surface
    }

    private sealed class MemoryCache : IAnnotationCache
    {
        public IReadOnlyDictionary<AnnotationKey, CachedVerdict> Get(IReadOnlyCollection<AnnotationKey> keys) => new Dictionary<AnnotationKey, CachedVerdict>();

        public void Put(IReadOnlyCollection<KeyValuePair<AnnotationKey, CachedVerdict>> verdicts) { }
    }
}
