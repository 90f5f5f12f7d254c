using AlpacaFarm.Simulation;

namespace AlpacaFarm.Tests.Simulation;

/// <summary>A hidden world's knowledge base and eval-805 come from its secret: others than the public world's, the same for the same secret.</summary>
public sealed class HiddenWorldKnowledgeTests
{
    private static readonly byte[] SecretA = [.. Enumerable.Range(0, 32).Select(i => (byte)i)];
    private static readonly byte[] SecretB = [.. Enumerable.Range(0, 32).Select(i => (byte)(255 - i))];

    [Fact]
    public async Task A_hidden_world_has_its_own_facts_and_eval_set_and_the_public_world_keeps_its_own()
    {
        var publicFacts = Facts();
        var publicEval = FarmEvalSet.Load().Items.Select(item => item.Instruction).ToList();

        var (hiddenFacts, hiddenEval, world) = await Task.Run(() =>
        {
            FarmWorld.Use(HiddenWorld.FromSecret(SecretA));
            return (Facts(), FarmEvalSet.Load().Items.Select(item => item.Instruction).ToList(), FarmWorld.CurrentWorld);
        });
        var (againFacts, againEval) = await Task.Run(() =>
        {
            FarmWorld.Use(HiddenWorld.FromSecret(SecretA));
            return (Facts(), FarmEvalSet.Load().Items.Select(item => item.Instruction).ToList());
        });
        var otherFacts = await Task.Run(() =>
        {
            FarmWorld.Use(HiddenWorld.FromSecret(SecretB));
            return Facts();
        });

        // The same 80 names; their categories dealt anew and 4 attributes drawn anew, so nearly every entity differs.
        Assert.Equal(publicFacts.Select(f => f.Split(':')[0]), hiddenFacts.Select(f => f.Split(':')[0]));
        Assert.InRange(publicFacts.Zip(hiddenFacts).Count(pair => pair.First != pair.Second), 75, 80);
        Assert.InRange(publicFacts.Zip(hiddenFacts).Count(pair => pair.First.Split(':')[1] != pair.Second.Split(':')[1]), 60, 80);
        Assert.NotEqual(hiddenFacts, otherFacts);
        Assert.Equal(hiddenFacts, againFacts);
        Assert.Equal(805, hiddenEval.Count);
        Assert.Equal(hiddenEval, againEval);
        // The instruction space is small (a question about one of 80 things), so many instructions recur; their answers do not.
        Assert.InRange(hiddenEval.Intersect(publicEval).Count(), 1, 805 / 2);
        Assert.Matches("^farm-3-hidden-[0-9a-f]{12}$", world);
        // This flow never left the public world: the committed set and facts.
        Assert.Equal(publicFacts, Facts());
        Assert.Equal(FarmWorld.WorldVersion, FarmWorld.CurrentWorld);
    }

    private static List<string> Facts() => [.. FarmKnowledge.Entities.OrderBy(e => e.Name, StringComparer.Ordinal).Select(e => $"{e.Name}:{e.Category}:{e.Colour}:{e.Size}:{e.Place}:{e.Trait}")];
}
