using AlpacaFarm.Host.Cli;
using System.Text.Json;
using AlpacaFarm.Leaderboard;
using AlpacaFarm.Testing;
using AlpacaFarm.Tests.Judges;

namespace AlpacaFarm.Tests.Cli;

/// <summary>alpacafarm evaluate with an LLM-judge pool file pointed at a faulty loopback server.</summary>
public sealed class JudgeEvaluationTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("alpacafarm-judges-").FullName;

    public JudgeEvaluationTests() => Environment.SetEnvironmentVariable(JudgeFixtures.KeyVariable, JudgeFixtures.Key);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [SharedDataFact]
    public async Task Faults_on_a_fifth_of_calls_change_no_preference_and_a_rerun_makes_no_call()
    {
        await using var clean = new LoopbackChatServer();
        // One hang: it lasts until the server stops and costs its judge slot the whole (generous) timeout.
        await using var faulty = new LoopbackChatServer(faultRate: 0.2, seed: 7, maxHangs: 1);

        var cleanRun = await Evaluate(clean, "clean-home");
        var faultyRun = await Evaluate(faulty, "faulty-home");
        var callsBefore = faulty.Requests.Count;
        await Evaluate(faulty, "faulty-home");

        Assert.True(faulty.Injected.Count(fault => fault != ChatFault.None) > 20, "faults were injected");
        Assert.Equal(1, faulty.Injected.Count(fault => fault == ChatFault.Hang));
        Assert.Equal(Preferences(cleanRun), Preferences(faultyRun));
        Assert.Equal(805, Preferences(faultyRun).Count(preference => preference is not null)); // every row judged (identical outputs are draws)
        Assert.Equal(callsBefore, faulty.Requests.Count);
    }

    [SharedDataFact]
    public async Task The_key_never_reaches_output_or_the_database()
    {
        await using var server = new LoopbackChatServer();

        var run = await Evaluate(server, "key-home");

        Assert.DoesNotContain(JudgeFixtures.Key, run.Result.Out + run.Result.Error);
        Assert.All(Directory.EnumerateFiles(run.Home), file =>
            Assert.DoesNotContain(JudgeFixtures.Key, File.ReadAllText(file, System.Text.Encoding.Latin1)));
        Assert.All(server.Requests, request => Assert.Equal($"Bearer {JudgeFixtures.Key}", request.Authorization));
    }

    [SharedDataFact]
    public async Task A_missing_key_variable_is_one_line()
    {
        await using var server = new LoopbackChatServer();
        var pool = WritePool(server, "ALPACAFARM_TEST_UNSET_VARIABLE");

        var result = await CliRunner.RunAsync("evaluate", "--home", Path.Combine(_folder, "unset"), "--outputs", SharedData.Path("alpaca_eval/alpaca-7b.json"),
            "--reference", SharedData.Reference, "--annotators", pool);

        Assert.Equal(CliApp.UsageError, result.ExitCode);
        Assert.Equal("error: judge 'loopback_1': environment variable ALPACAFARM_TEST_UNSET_VARIABLE is not set\n", result.Error);
    }

    private async Task<(CliResult Result, string Home)> Evaluate(LoopbackChatServer server, string home)
    {
        var path = Path.Combine(_folder, home);
        var result = await CliRunner.RunAsync("evaluate", "--home", path, "--outputs", SharedData.Path("alpaca_eval/alpaca-7b.json"),
            "--reference", SharedData.Reference, "--annotators", WritePool(server, JudgeFixtures.KeyVariable), "--json");
        Assert.True(result.ExitCode == 0, result.Error);
        return (result, path);
    }

    private string WritePool(LoopbackChatServer server, string keyVariable) =>
        JudgeFixtures.WritePool(Path.Combine(_folder, $"pool-{server.Port}-{keyVariable}.json"),
            JudgeFixtures.Config(server, batch: 4, timeoutSeconds: 2, retries: 10) with
            {
                Id = "loopback_1", Endpoint = new(JudgeFixtures.Config(server).Endpoint.Kind, server.OpenAiBaseUrl, keyVariable), MaxTokens = 60,
            });

    private static List<double?> Preferences((CliResult Result, string Home) run)
    {
        var row = JsonDocument.Parse(run.Result.Out).RootElement;
        using var store = LeaderboardStore.Open(Path.Combine(run.Home, LeaderboardStore.FileName));
        var submission = store.FindSubmission(row.GetProperty("board").GetString()!, row.GetProperty("name").GetString()!)!;
        return store.Annotations(submission.Id).Select(annotation => annotation.Preference).ToList();
    }
}
