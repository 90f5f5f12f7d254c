using AlpacaFarm.Abstractions.Text;
using System.Security.Cryptography;
using AlpacaFarm.Evaluation.Sets;
using AlpacaFarm.Simulation;

namespace AlpacaFarm.Tests.Simulation;

public sealed class FarmEvalSetTests
{
    [Fact]
    public void The_committed_file_matches_its_checksum_and_loads_805_rows_with_gold_metadata()
    {
        var bytes = FarmEvalSet.ReadCommittedBytes();
        Assert.Equal(FarmEvalSet.ExpectedSha256, Convert.ToHexStringLower(SHA256.HashData(bytes)));

        IEvaluationSet set = FarmEvalSet.Load();
        Assert.Equal("farm", set.Id);
        Assert.Equal($"farm eval-805 ({FarmWorld.WorldVersion})", set.Name);
        Assert.Equal("farm-reference", set.ReferenceGenerator);
        Assert.Equal(805, set.Items.Count);
        Assert.Equal(805, set.Items.Select(i => i.Instruction).Distinct().Count());
        var farm = FarmEvalSet.Load().FarmItems;
        Assert.Equal(FarmFamilies.All.Order(), farm.Select(i => i.Family).Distinct().Order());
        var tokens = farm.Select(i => CanonicalText.Tokenize(i.ReferenceOutput).Count).ToList();
        Assert.InRange(tokens.Average(), 15, 60);
    }

    /// <summary>
    /// Stored gold scores of one row per family, derived by hand from FarmGold's rules: g = 2·correctness + detail
    /// − 0.8·false claims − 0.3·(tokens − ideal)⁺/10 − 0.5·repetitions − format faults − 0.15·fillers.
    /// </summary>
    /// <remarks>
    /// 001 sequence: the six numbers in ascending order, correctness 1, 17 tokens ≤ ideal 6 + 2·6: g = 2.
    /// 002 list: apple, peach, melon are 3 fruits of 3 asked, correctness 1, 9 tokens ≤ ideal 5 + 4·3: g = 2.
    /// 003 describe: lotus named with 4 true kinds (flower, garden, soft, small), detail 1.2·(1 − e^(−4/1.5)), 23 tokens ≤ 24.
    /// 004 fact: "quiet" is the apple's trait, correctness 1, detail 0.3 for naming it (no other fact); 14 tokens, ideal 10,
    ///     verbosity 0.4; "That is all I can say for now" has 3+ tokens and no entity, value or number: one filler.
    /// 007 tell: tulip with 5 true kinds (flower, fast, large, grey, river), detail 2·(1 − e^(−5/2)), 27 tokens ≤ 40.
    /// 024 compare: both named, 5 true claims (larger, pink, yellow, strong, heavy), detail 1.2·(1 − e^(−5/2.5)), 30 tokens ≤ 36.
    /// </remarks>
    [Theory]
    [InlineData("farm-eval-001", "Sort these numbers from smallest to largest: 12, 11, 24, 49, 39, 38.",
        "The sorted numbers are: 11, 12, 24, 38, 39, 49.", 2.0)]
    [InlineData("farm-eval-002", "List 3 fruits.",
        "Some fruits are apple, peach and melon.", 2.0)]
    [InlineData("farm-eval-003", "Describe the lotus.",
        "The lotus is a flower. It is found in the garden. It is soft. It is small in size.", 3.1166)] // 2 + 1.116620
    [InlineData("farm-eval-004", "What is the apple like?",
        "The apple is quiet. That is all I can say for now.", 2.03)] // 2 + 0.3 − 0.12 − 0.15
    [InlineData("farm-eval-007", "Tell me about the tulip.",
        "The tulip is a flower. It is fast. It is large in size. It is grey. It is found in the river.", 3.8358)] // 2 + 1.835830
    [InlineData("farm-eval-024", "How are the snake and the rabbit different?",
        "The snake is larger than the rabbit. The snake is pink, but the rabbit is yellow. The snake is strong, but the rabbit is heavy.", 3.0376)] // 2 + 1.037598
    public void Stored_reference_gold_scores_match_hand_derived_ones(string farmId, string instruction, string reference, double gold)
    {
        var item = FarmEvalSet.Load().FarmItems.Single(row => row.FarmId == farmId);

        Assert.Equal(instruction, item.Instruction);
        Assert.Equal(reference, item.ReferenceOutput);
        Assert.Equal(gold, item.ReferenceGoldScore);
    }

    [Fact]
    public void The_facts_the_hand_derivations_take_as_true_are_the_worlds()
    {
        var (apple, lotus, tulip, snake, rabbit) = (Entity("apple"), Entity("lotus"), Entity("tulip"), Entity("snake"), Entity("rabbit"));

        Assert.Equal("quiet", apple.Trait);
        Assert.Equal(("flowers", "garden", "soft", "small"), (lotus.Category, lotus.Place, lotus.Trait, lotus.Size));
        Assert.Equal(("flowers", "fast", "large", "grey", "river"), (tulip.Category, tulip.Trait, tulip.Size, tulip.Colour, tulip.Place));
        Assert.Equal(("pink", "strong", "yellow", "heavy"), (snake.Colour, snake.Trait, rabbit.Colour, rabbit.Trait));
        Assert.True(FarmKnowledge.Sizes.ToList().IndexOf(snake.Size) > FarmKnowledge.Sizes.ToList().IndexOf(rabbit.Size));
        static FarmEntity Entity(string name) => FarmKnowledge.ByName[name];
    }

    [Fact]
    public void Regenerating_from_the_seed_is_byte_identical()
    {
        Assert.Equal(FarmEvalSet.ReadCommittedBytes(), FarmWorld.GenerateEvalFile());
        Assert.NotEqual(FarmEvalSet.ReadCommittedBytes(), FarmWorld.GenerateEvalFile(seed: FarmWorld.DefaultSeed + 1));
    }

    [Fact]
    public void The_file_reads_as_an_alpaca_eval_reference_file()
    {
        var path = Path.Combine(Path.GetTempPath(), $"farm-eval-{Guid.NewGuid():N}.json");
        try
        {
            File.WriteAllBytes(path, FarmEvalSet.ReadCommittedBytes());
            var set = ReferenceFileSet.Load(path);
            Assert.Equal(FarmEvalSet.Load().ReferenceSha256, set.ReferenceSha256);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
