using AlpacaFarm.Application.Annotators;
using AlpacaFarm.Evaluation.Annotators.Offline;
using AlpacaFarm.Evaluation.Annotators;
using AlpacaFarm.Runner.Annotators;

namespace AlpacaFarm.Tests.Evaluation.Offline;

/// <summary>Each feature of the offline judges on hand-written pairs: every member of the pool must get them right, in both orders.</summary>
public sealed class OfflineJudgeTests
{
    private const string SleepTips = "Give me three tips for sleeping better.";
    private const string SleepAnswer = "Here are three tips:\n1. Keep a regular schedule, even at weekends.\n2. Avoid screens for an hour before bed.\n3. Keep the bedroom cool, dark and quiet.";
    private const string SleepRefusal = "I'm sorry, but as an AI language model I cannot give advice about sleeping or health. Please consult a doctor or a sleep specialist for guidance on this topic, as they can assess your situation.";

    private const string SkyQuestion = "Explain why the sky is blue.";
    private const string SkyAnswer = "Sunlight is made of many colours. When it passes through the atmosphere, the tiny molecules of nitrogen and oxygen scatter short wavelengths much more strongly than long ones, an effect called Rayleigh scattering. Blue light is scattered in every direction across the whole sky, so wherever we look away from the sun we see blue.";

    private const string WaterQuestion = "Describe the water cycle.";
    private const string WaterComplete = "Water evaporates from oceans and lakes when the sun heats it. The vapour rises, cools and condenses into clouds. Eventually it falls back as rain or snow, flows into rivers and the ground, and returns to the sea, where the cycle begins again.";
    private const string WaterTruncated = "The water cycle is the continuous movement of water on, above and below the surface of the Earth. Heated by the sun, water evaporates from the oceans, lakes and rivers, and plants release more of it through their leaves. The warm, moist air rises into the atmosphere, where the water vapour cools down until it";

    private const string CodeQuestion = "Write a Python function that returns the sum of a list.";
    private const string CodeAnswer = "```python\ndef total(xs):\n    return sum(xs)\n```";
    private const string CodeProse = "You can add up the numbers of a list by looping over them and keeping a running total, then returning that total at the end of the loop.";

    private const string SpanishQuestion = "¿Cuáles son los beneficios de beber agua todos los días para la salud?";
    private const string SpanishAnswer = "Beber agua todos los días ayuda a regular la temperatura del cuerpo, mejora la digestión, mantiene la piel hidratada y permite que los riñones eliminen las toxinas. También mejora la concentración y reduce el cansancio.";
    private const string EnglishAnswer = "Drinking water every day helps regulate body temperature, improves digestion, keeps the skin hydrated and lets the kidneys remove toxins. It also improves concentration, reduces tiredness and can help with weight control.";

    public static TheoryData<string> Members => [.. OfflinePool.Create().Members.Select(member => member.Id)];

    [Fact]
    public void Each_feature_fires_on_its_example()
    {
        Assert.Equal(1, TextFeatures.Compute(SleepTips, SleepRefusal)[TextFeatures.Refusal]);
        Assert.Equal(1, TextFeatures.Compute(SleepTips, SleepRefusal)[TextFeatures.Apology]);
        Assert.Equal(0, TextFeatures.Compute(SleepTips, SleepAnswer)[TextFeatures.Refusal]);
        Assert.True(TextFeatures.Compute(SleepTips, SleepAnswer)[TextFeatures.Lists] > 1);
        Assert.True(TextFeatures.Compute(SkyQuestion, SkyAnswer + "\n\n" + SkyAnswer)[TextFeatures.Repetition] >= 0.45);
        Assert.True(TextFeatures.Compute(SkyQuestion, SkyAnswer)[TextFeatures.Repetition] < 0.05);
        Assert.Equal(1, TextFeatures.Compute(WaterQuestion, WaterTruncated)[TextFeatures.Truncated]);
        Assert.Equal(0, TextFeatures.Compute(WaterQuestion, WaterComplete)[TextFeatures.Truncated]);
        Assert.Equal(1, TextFeatures.Compute(CodeQuestion, "```python\ndef total(xs):\n    return sum(")[TextFeatures.Truncated]); // open code block
        Assert.Equal(1, TextFeatures.Compute(CodeQuestion, CodeAnswer)[TextFeatures.Code]);
        Assert.Equal(0, TextFeatures.Compute(CodeQuestion, CodeProse)[TextFeatures.Code]);
        Assert.Equal(0, TextFeatures.Compute(SkyQuestion, CodeAnswer)[TextFeatures.Code]); // not asked for code
        Assert.Equal(1, TextFeatures.Compute(SpanishQuestion, EnglishAnswer)[TextFeatures.WrongLanguage]);
        Assert.Equal(0, TextFeatures.Compute(SpanishQuestion, SpanishAnswer)[TextFeatures.WrongLanguage]);
        Assert.Equal(0, TextFeatures.Compute("Translate into French: the cat is on the table and the dog is in the garden.", "Le chat est sur la table et le chien est dans le jardin.")[TextFeatures.WrongLanguage]);
        Assert.Equal(1, TextFeatures.Compute("List three famous painters from the Italian Renaissance period.", "List three famous painters from the Italian Renaissance period. Leonardo, Michelangelo, Raphael.")[TextFeatures.Restates]);
        Assert.Equal(1, TextFeatures.Compute(SkyQuestion, "Sure! The sky is blue because of scattering.")[TextFeatures.FillerOpener]);
        Assert.Equal(1, TextFeatures.Compute(SkyQuestion, " \n ")[TextFeatures.Empty]);
    }

    [Theory]
    [MemberData(nameof(Members))]
    public async Task A_refusal_loses_to_an_answer(string member) => await AssertBetter(member, SleepTips, SleepAnswer, SleepRefusal);

    [Theory]
    [MemberData(nameof(Members))]
    public async Task A_repeated_paragraph_loses_to_the_same_text_once(string member) =>
        await AssertBetter(member, SkyQuestion, SkyAnswer, SkyAnswer + "\n\n" + SkyAnswer);

    [Theory]
    [MemberData(nameof(Members))]
    public async Task A_truncated_answer_loses_even_when_longer(string member)
    {
        Assert.True(WaterTruncated.Length > WaterComplete.Length);
        await AssertBetter(member, WaterQuestion, WaterComplete, WaterTruncated);
    }

    [Theory]
    [MemberData(nameof(Members))]
    public async Task A_code_block_wins_when_code_was_asked(string member) => await AssertBetter(member, CodeQuestion, CodeAnswer, CodeProse);

    [Theory]
    [MemberData(nameof(Members))]
    public async Task The_wrong_language_loses(string member) => await AssertBetter(member, SpanishQuestion, SpanishAnswer, EnglishAnswer);

    [Theory]
    [MemberData(nameof(Members))]
    public async Task Restating_the_instruction_loses_to_the_bare_answer(string member) =>
        await AssertBetter(member, "List three famous painters from the Italian Renaissance period.",
            "Three famous painters of the Italian Renaissance are Leonardo da Vinci, Michelangelo and Raphael.",
            "List three famous painters from the Italian Renaissance period. Three famous painters of the Italian Renaissance are Leonardo da Vinci, Michelangelo and Raphael.");

    [Fact]
    public async Task Verdicts_are_deterministic_and_the_same_from_a_fresh_pool()
    {
        var pairs = Pairs();
        var first = await Verdicts(OfflinePool.Create(), pairs, seed: 1);
        var again = await Verdicts(OfflinePool.Create(), pairs, seed: 1);
        var otherSeed = await Verdicts(OfflinePool.Create(), pairs, seed: 2);

        // The oracle, by hand: the answer beats the refusal and the repeated answer, the complete answer the truncated one,
        // the code block the prose, the Spanish answer the English one (the sixth pair is a matter of taste). A constant
        // judge, however deterministic, fails here.
        double?[] expected = [1, 1, 2, 2, 2];
        var members = OfflinePool.Create().Members.Count;
        Assert.Equal(members * pairs.Count, first.Count);
        for (var member = 0; member < members; member++)
            Assert.Equal(expected, first.Skip(member * pairs.Count).Take(expected.Length));
        Assert.Equal(first, again);
        Assert.Equal(first, otherSeed); // deterministic judges ignore the seed
        Assert.All(OfflinePool.Create().Members, member => Assert.False(member.IsRandom));
        Assert.Equal(OfflinePool.Create().ConfigurationHash, OfflinePool.Create().ConfigurationHash);
    }

    [Fact]
    public async Task A_sampled_judge_is_a_function_of_the_seed()
    {
        var core = OfflinePool.CoreWeights;
        var judge = new OfflineJudge("sampled", "test", core, sampled: true);
        var pairs = Enumerable.Range(0, 200).Select(i => new PairToJudge($"Question {i}?", $"Answer {i} is short.", $"Answer {i} is a little longer, {i}.")).ToList();

        var a = (await judge.JudgeAsync(pairs, 7, CancellationToken.None)).Select(v => v.Preference).ToList();
        var b = (await new OfflineJudge("sampled", "test", core, sampled: true).JudgeAsync(pairs, 7, CancellationToken.None)).Select(v => v.Preference).ToList();
        var c = (await judge.JudgeAsync(pairs, 8, CancellationToken.None)).Select(v => v.Preference).ToList();

        Assert.True(judge.IsRandom);
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        Assert.All(a, p => Assert.True(p is 1 or 2));
    }

    [Fact]
    public void The_pool_has_thirteen_distinct_personas_and_is_the_default()
    {
        var pool = BuiltInPools.Get(BuiltInPools.Default);

        Assert.Equal("offline", pool.Name);
        Assert.Equal(13, pool.Members.Count);
        Assert.Equal(13, pool.Members.Select(member => member.ConfigurationHash).Distinct().Count());
        Assert.All(pool.Members, member => Assert.Equal("offline", BuiltInPools.Describe(member).Kind));
        Assert.Contains("longest", BuiltInPools.Names);
    }

    [Fact]
    public async Task A_pool_file_overrides_core_weights()
    {
        var folder = Directory.CreateTempSubdirectory("alpacafarm-pool-file-").FullName;
        var path = Path.Combine(folder, "pool.json");
        File.WriteAllText(path, """{"name": "shorty", "members": [{"id": "short", "persona": "likes short", "weights": {"length": -1, "saturation": 0}}]}""");

        var pool = AnnotatorPools.Resolve(path);
        var verdict = await pool.Members[0].JudgeAsync([new PairToJudge(SkyQuestion, "Rayleigh scattering.", SkyAnswer)], 0, CancellationToken.None);

        Assert.Equal("shorty", pool.Name);
        Assert.Equal(1, verdict[0].Preference);
        File.WriteAllText(path, """{"members": [{"id": "x", "weights": {"charm": 1}}]}""");
        Assert.Contains("unknown feature 'charm'", Assert.ThrowsAny<Exception>(() => AnnotatorPools.Resolve(path)).Message);
        Directory.Delete(folder, recursive: true);
    }

    private static async Task AssertBetter(string memberId, string instruction, string better, string worse)
    {
        var member = OfflinePool.Create().Members.Single(m => m.Id == memberId);
        var verdicts = await member.JudgeAsync([new PairToJudge(instruction, better, worse), new PairToJudge(instruction, worse, better)], 0, CancellationToken.None);
        Assert.Equal(1, verdicts[0].Preference);
        Assert.Equal(2, verdicts[1].Preference);
    }

    private static List<PairToJudge> Pairs() =>
    [
        new(SleepTips, SleepAnswer, SleepRefusal),
        new(SkyQuestion, SkyAnswer, SkyAnswer + "\n\n" + SkyAnswer),
        new(WaterQuestion, WaterTruncated, WaterComplete),
        new(CodeQuestion, CodeProse, CodeAnswer),
        new(SpanishQuestion, EnglishAnswer, SpanishAnswer),
        new(SkyQuestion, "Because of Rayleigh scattering.", SkyAnswer),
    ];

    private static async Task<List<double?>> Verdicts(AnnotatorPool pool, List<PairToJudge> pairs, long seed)
    {
        var all = new List<double?>();
        foreach (var member in pool.Members) all.AddRange((await member.JudgeAsync(pairs, seed, CancellationToken.None)).Select(v => v.Preference));
        return all;
    }
}
