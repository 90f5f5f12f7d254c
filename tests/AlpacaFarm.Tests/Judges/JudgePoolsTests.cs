using AlpacaFarm.Evaluation.Outputs;
using AlpacaFarm.Judges;

namespace AlpacaFarm.Tests.Judges;

public sealed class JudgePoolsTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("alpacafarm-pools-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void The_shipped_thirteen_member_pool_mirrors_the_papers_variety()
    {
        var pool = JudgePools.TryReadConfig("alpaca-farm-13")!;

        Assert.Equal(13, pool.Members.Count);
        Assert.Equal(3, pool.Members.Select(member => member.Model).Distinct().Count());
        Assert.True(pool.Members.Select(member => member.PromptFamily).Distinct().Count() >= 3);
        Assert.Equal([1, 4, 5], pool.Members.Select(member => member.BatchSize).Distinct().Order());
        Assert.All(pool.Members, member => Assert.Equal("OPENAI_API_KEY", member.Endpoint.ApiKeyVariable));
        Assert.Equal(0, JudgePools.TryReadConfig("greedy-judge")!.Members.Single().Temperature);
        Assert.Contains("alpaca-farm-13", JudgePools.ShippedNames);
    }

    [Theory]
    [InlineData("{ \"name\": ", "not a valid pool configuration")]
    [InlineData("{ \"name\": \"p\", \"members\": [] }", "the pool has no members")]
    [InlineData("{ \"name\": \"p\", \"members\": [], \"colour\": 1 }", "not a valid pool configuration")]
    public void Bad_files_are_one_line(string json, string expected)
    {
        var path = Path.Combine(_folder, "pool.json");
        File.WriteAllText(path, json);

        var error = Assert.Throws<InputValidationException>(() => JudgePools.ReadConfig(path));

        Assert.StartsWith($"{path}: {expected}", error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void A_parser_that_does_not_suit_the_prompt_family_is_refused()
    {
        var shipped = File.ReadAllText(Path.Combine(JudgePools.ShippedFolder, "greedy-judge.json"));
        var path = Path.Combine(_folder, "mismatch.json");
        File.WriteAllText(path, shipped.Replace("\"parser\": \"regex\"", "\"parser\": \"json\""));

        var error = Assert.Throws<InputValidationException>(() => JudgePools.ReadConfig(path));

        Assert.Equal($"{path}: member 'gpt4o_greedy': prompt family 'pairwise' needs the 'regex' parser", error.Message);
    }
}
