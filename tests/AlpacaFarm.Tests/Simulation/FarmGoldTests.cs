using AlpacaFarm.Abstractions.Text;
using AlpacaFarm.Simulation;

namespace AlpacaFarm.Tests.Simulation;

/// <summary>Hand-written gold cases per family: a correct answer beats a wrong one; repetition and rambling past the ideal length lose; malformed output loses.</summary>
public sealed class FarmGoldTests
{
    private static FarmEntity E(string name) => FarmKnowledge.ByName[name];

    private static string Wrong(string attribute, string truth) => FarmKnowledge.Values(attribute).First(v => v != truth);

    private static void Better(string instruction, string better, string worse)
    {
        Assert.True(CanonicalText.IsCanonical(better), better);
        Assert.True(CanonicalText.IsCanonical(worse), worse);
        var (g1, g2) = (FarmGold.Score(instruction, better), FarmGold.Score(instruction, worse));
        Assert.True(g1 > g2, $"expected g({better}) = {g1} > g({worse}) = {g2}");
        Assert.True(FarmGold.HumanPreferenceProbability(instruction, better, worse) > 0.5);
    }

    private const string Filler = " I hope this helps. This is a good question. Many people ask about this. Thank you for asking. That is all I can say for now.";

    [Fact]
    public void List()
    {
        const string instruction = "List 3 fruits.";
        var good = "Here are 3 fruits:\n1. apple\n2. pear\n3. plum";
        Better(instruction, good, "Here are 3 fruits:\n1. apple\n2. lion\n3. plum");
        Better(instruction, good, "Some fruits are apple and pear.");
        Better(instruction, good, "Here are 3 fruits:\n1. apple\n2. pear\n3. plum\n3. plum\n3. plum");
        Better(instruction, "Some fruits are apple, pear and plum.", "Some fruits are apple, pear and plum" + Filler);
        Better(instruction, "Some fruits are apple, pear and plum.", "Some fruits are apple, pear and plum");
    }

    [Fact]
    public void Describe()
    {
        var lion = E("lion");
        const string instruction = "Describe the lion.";
        var good = $"The lion is an animal. It is {lion.Colour}. It is found in the {lion.Place}.";
        Better(instruction, good, $"The lion is an animal. It is {Wrong("colour", lion.Colour)}. It is found in the {lion.Place}.");
        Better(instruction, good, "The lion is an animal.");
        Better(instruction, good, good + " " + good);
        Better(instruction, good, good + Filler + Filler);
        Better(instruction, good, $"The lion is an animal.. It is {lion.Colour}. It is found in the {lion.Place}");
    }

    [Fact]
    public void Fact()
    {
        var apple = E("apple");
        const string instruction = "What colour is the apple?";
        Better(instruction, $"The apple is {apple.Colour}.", $"The apple is {Wrong("colour", apple.Colour)}.");
        Better(instruction, $"The apple is {apple.Colour}.", "The apple is a fruit.");
        Better(instruction, $"The apple is {apple.Colour}.", $"The apple is {apple.Colour}. The apple is {apple.Colour}.");
        Better(instruction, $"The apple is {apple.Colour}.", $"The apple is {apple.Colour}" + Filler);
        Better(instruction, $"The apple is {apple.Colour}.", $"The apple is {apple.Colour} zzz qqq @ @");
        Assert.Equal(0.5, FarmGold.HumanPreferenceProbability(instruction, $"The apple is {apple.Colour}.", $"The apple is {apple.Colour}."));
    }

    [Fact]
    public void Sequence()
    {
        Better("Sort these numbers from smallest to largest: 7, 3, 9.", "The sorted numbers are: 3, 7, 9.", "The sorted numbers are: 7, 3, 9.");
        Better("Sort these numbers from largest to smallest: 7, 3, 9.", "The sorted numbers are: 9, 7, 3.", "The sorted numbers are: 9, 7.");
        Better("Reverse this list: lion, pear, oak.", "The reversed list is: oak, pear, lion.", "The reversed list is: lion, pear, oak.");
        Better("Reverse this list: lion, pear, oak.", "The reversed list is: oak, pear, lion.",
            "The reversed list is: oak, pear, lion. The reversed list is: oak, pear, lion.");
        Better("Reverse this list: lion, pear, oak.", "The reversed list is: oak, pear, lion.", "The reversed list is: oak, pear, lion" + Filler);
    }

    [Fact]
    public void Compare()
    {
        var (a, b) = ("lion", FarmKnowledge.Entities.First(e => e.Size != E("lion").Size).Name);
        var larger = FarmKnowledge.Sizes.ToList().IndexOf(E(a).Size) > FarmKnowledge.Sizes.ToList().IndexOf(E(b).Size);
        var instruction = $"Compare the {a} and the {b}.";
        var right = $"The {a} is {(larger ? "larger" : "smaller")} than the {b}. The {a} is {E(a).Colour}, but the {b} is {E(b).Colour}.";
        var wrong = $"The {a} is {(larger ? "smaller" : "larger")} than the {b}. The {a} is {E(a).Colour}, but the {b} is {E(b).Colour}.";
        Better(instruction, right, wrong);
        Better(instruction, right, $"The {a} is an animal.");
        Better(instruction, right, right + " " + right);
        Better(instruction, right, right + Filler + Filler);
    }

    [Fact]
    public void Tell_rewards_detail_with_diminishing_returns()
    {
        var oak = E("oak");
        const string instruction = "Tell me about the oak.";
        string[] facts = ["The oak is a tree.", $"It is {oak.Colour}.", $"It is {oak.Size} in size.", $"It is found in the {oak.Place}.", $"It is {oak.Trait}."];
        var scores = Enumerable.Range(1, 5).Select(n => FarmGold.Score(instruction, string.Join(" ", facts.Take(n)))).ToList();
        for (var i = 1; i < scores.Count; i++) Assert.True(scores[i] > scores[i - 1]);
        Assert.True(scores[1] - scores[0] > scores[4] - scores[3], "detail has diminishing returns");
        var full = string.Join(" ", facts);
        Better(instruction, full, full + Filler + Filler);
        Better(instruction, full, full.Replace($"It is {oak.Colour}.", $"It is {Wrong("colour", oak.Colour)}."));
        Better(instruction, full, "");
    }

    [Fact]
    public void The_reference_beats_the_demonstrator_on_average()
    {
        var set = FarmEvalSet.Load();
        var gold = FarmStats.GoldWinRate(set.FarmItems.Select(i => (i.Instruction, FarmResponders.RespondAsDemonstrator(i.Task, FarmWorld.DefaultSeed), i.ReferenceOutput)));
        Assert.InRange(gold.WinRate, 20, 50);
        Assert.True(gold.StandardError is > 0 and < 2);
        Assert.Equal(805, gold.N);
        Assert.Equal(50, FarmStats.GoldWinRate(set.FarmItems.Select(i => (i.Instruction, i.ReferenceOutput, i.ReferenceOutput))).WinRate, 6);
    }

    [Fact]
    public void Unknown_instructions_are_refused()
    {
        Assert.Throws<ArgumentException>(() => FarmGold.Score("Write a poem.", "A poem."));
    }
}
