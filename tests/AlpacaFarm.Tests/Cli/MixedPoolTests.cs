using System.Text.Json;
using AlpacaFarm.Application.Annotators;
using AlpacaFarm.Evaluation.Annotators;
using AlpacaFarm.Evaluation.Outputs;
using AlpacaFarm.Leaderboard;
using AlpacaFarm.Runner.Annotators;
using AlpacaFarm.Testing;
using AlpacaFarm.Tests.Judges;

namespace AlpacaFarm.Tests.Cli;

/// <summary>One pool file mixing every kind of member: an offline judge, a member of a named pool, an LLM judge.</summary>
public sealed class MixedPoolTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("alpacafarm-mixed-").FullName;

    public MixedPoolTests() => Environment.SetEnvironmentVariable(JudgeFixtures.KeyVariable, JudgeFixtures.Key);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [SharedDataFact]
    public async Task A_mixed_pool_judges_with_all_three_kinds()
    {
        await using var server = new LoopbackChatServer();
        var pool = Write("mixed.json", new object[]
        {
            new { id = "my-offline", persona = "likes lists", weights = new Dictionary<string, double> { ["lists"] = 1.0 } },
            new { use = "longest/longest" },
            new
            {
                id = "loopback", endpoint = new { kind = "openai-compatible", url = server.OpenAiBaseUrl, apiKeyVariable = JudgeFixtures.KeyVariable },
                model = "m", temperature = 0.0, maxTokens = 40, batchSize = 4, promptFamily = "pairwise", persona = (string?)null, parser = "regex",
                inContextExamples = 0, pricePerMillionInputTokens = 1.0, pricePerMillionOutputTokens = 1.0, retryBaseSeconds = 0.001,
            },
        });

        var result = await CliRunner.RunAsync("evaluate", "--home", _folder, "--outputs", SharedData.Path("alpaca_eval/alpaca-7b.json"),
            "--reference", SharedData.Reference, "--annotators", pool, "--json");

        Assert.True(result.ExitCode == 0, result.Error);
        var row = JsonDocument.Parse(result.Out).RootElement;
        using var store = LeaderboardStore.Open(Path.Combine(_folder, LeaderboardStore.FileName));
        var annotators = store.Annotations(store.FindSubmission(row.GetProperty("board").GetString()!, "alpaca-7b")!.Id)
            .Select(annotation => annotation.Annotator).Where(annotator => annotator != PoolPreferenceService.IdenticalOutputs).Distinct().Order().ToList();
        Assert.Equal(["longest", "loopback", "my-offline"], annotators);
        Assert.NotEmpty(server.Requests);
    }

    [Fact]
    public void A_reference_to_a_missing_member_is_one_line()
    {
        var pool = Write("bad.json", new object[] { new { use = "farm/no-such-member" } });

        var error = Assert.Throws<InputValidationException>(() => AnnotatorPools.Resolve(pool));

        Assert.Equal($"{pool}: 'use': pool 'farm' has no member 'no-such-member'", error.Message);
    }

    private string Write(string name, object[] members)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllText(path, JsonSerializer.Serialize(new { name = "mixed", members }));
        return path;
    }
}
