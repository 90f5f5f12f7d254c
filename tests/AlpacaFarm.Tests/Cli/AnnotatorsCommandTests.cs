using AlpacaFarm.Host.Cli;
using System.Text.Json;
using AlpacaFarm.Evaluation.Agreement;

namespace AlpacaFarm.Tests.Cli;

/// <summary>annotators and annotators agreement, on hand-made annotations files with known answers and on the published ones.</summary>
public sealed class AnnotatorsCommandTests : IDisposable
{
    private const string Refusal = "I'm sorry, but as an AI language model I cannot help with that request. Please ask someone qualified, who will be able to assist you with it properly.";

    private readonly string _folder = Directory.CreateTempSubdirectory("alpacafarm-annotators-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Listing_shows_both_pools_and_the_members()
    {
        var table = await CliRunner.RunAsync("annotators", "--home", _folder);
        var json = await CliRunner.RunAsync("annotators", "--home", _folder, "--json");

        Assert.Equal(0, table.ExitCode);
        Assert.Contains("offline (default)", table.Out);
        Assert.Contains("offline-detail", table.Out);
        var rows = JsonDocument.Parse(json.Out).RootElement.EnumerateArray().ToList();
        Assert.Equal(13, rows.Count(row => row.GetProperty("pool").GetString() == "offline"));
        Assert.All(rows.Where(row => row.GetProperty("pool").GetString() == "offline"), row => Assert.Equal("offline", row.GetProperty("kind").GetString()));
        Assert.Equal("rule", rows.Single(row => row.GetProperty("pool").GetString() == "longest").GetProperty("kind").GetString());
    }

    [Fact]
    public async Task Listing_shows_the_thirteen_llm_judges_with_model_batch_and_parser()
    {
        var json = await CliRunner.RunAsync("annotators", "--home", _folder, "--json");

        var judges = JsonDocument.Parse(json.Out).RootElement.EnumerateArray()
            .Where(row => row.GetProperty("pool").GetString() == "alpaca-farm-13").ToList();
        Assert.Equal(13, judges.Count);
        Assert.All(judges, row => Assert.Equal("llm-judge", row.GetProperty("kind").GetString()));
        Assert.Equal(["json", "logprob", "regex"], judges.Select(row => row.GetProperty("parser").GetString()).Distinct().Order());
        Assert.Contains(judges, row => row.GetProperty("model").GetString() == "gpt-4o" && row.GetProperty("batch_size").GetInt32() == 5);
    }

    [Fact]
    public async Task Longest_agreement_on_a_hand_made_file_is_computed_by_hand()
    {
        // Decisive rows: longer wins (agree), longer wins (agree), shorter wins (disagree), equal lengths (longest draws: half).
        // The draw (1.5), the legacy draw (0) and the unparsed row (null) are excluded: 2.5 / 4 = 62.5%.
        var file = Write("hand.json",
            Row("q1", "short", new string('x', 80), 2),
            Row("q2", new string('y', 80), "short", 1),
            Row("q3", new string('z', 80), "short", 2),
            Row("q4", "same length A", "same length B", 1),
            Row("q5", "tiny", new string('w', 80), 1.5),
            Row("q6", "tiny", new string('v', 80), 0),
            Row("q7", "tiny", new string('u', 80), null));

        var result = await CliRunner.RunAsync("annotators", "agreement", "--home", _folder, "--annotations", file, "--annotators", "longest", "--json");

        Assert.Equal(0, result.ExitCode);
        var report = JsonDocument.Parse(result.Out).RootElement;
        var fileReport = report.GetProperty("files")[0];
        Assert.Equal(7, fileReport.GetProperty("rows").GetInt32());
        Assert.Equal(4, fileReport.GetProperty("decisive").GetInt32());
        // The file's judge preferred the longer in q1, q2 (yes), q3 (no), q5, q6 (draws: half); q4 differs by nothing, q7 is unparsed.
        Assert.Equal(3.0 / 5, fileReport.GetProperty("judge_prefer_longer").GetDouble(), 10);
        var longest = fileReport.GetProperty("annotators").EnumerateArray().Single();
        Assert.Equal("longest", longest.GetProperty("annotator").GetString());
        Assert.Equal(4, longest.GetProperty("pairs").GetInt32());
        Assert.Equal(0.625, longest.GetProperty("agreement").GetDouble(), 10);
        var (low, high) = AgreementAnalysis.Wilson(0.625, 4);
        Assert.Equal(low, longest.GetProperty("low").GetDouble(), 10);
        Assert.Equal(high, longest.GetProperty("high").GetDouble(), 10);
        Assert.Equal(6, longest.GetProperty("longer_pairs").GetInt32());
        Assert.Equal(1.0, longest.GetProperty("prefer_longer").GetDouble(), 10);
        Assert.Equal(0.5, longest.GetProperty("first_position").GetDouble(), 10);
    }

    [Fact]
    public async Task Offline_pool_agreement_on_a_hand_made_file_is_computed_by_hand()
    {
        // Every offline judge prefers an answer to a refusal: agreement 2/3 for the pool and for each member.
        var answer = "Here are three tips:\n1. Keep a regular schedule.\n2. Avoid screens before bed.\n3. Keep the room cool and dark.";
        var file = Write("refusals.json",
            Row("Give me three tips for sleeping better.", Refusal, answer, 2),
            Row("Give me three tips for studying better.", answer.Replace("bed", "class"), Refusal, 1),
            Row("Give me three tips for eating better.", Refusal, answer.Replace("bed", "dinner"), 1));

        var json = await CliRunner.RunAsync("annotators", "agreement", "--home", _folder, "--annotations", file, "--json");
        var table = await CliRunner.RunAsync("annotators", "agreement", "--home", _folder, "--annotations", file);

        Assert.Equal(0, json.ExitCode);
        var rows = JsonDocument.Parse(json.Out).RootElement.GetProperty("files")[0].GetProperty("annotators").EnumerateArray().ToList();
        Assert.Equal(["pool", .. Enumerable.Repeat("member", 13), "baseline"], rows.Select(row => row.GetProperty("kind").GetString()));
        Assert.All(rows.SkipLast(1), row => Assert.Equal(2.0 / 3, row.GetProperty("agreement").GetDouble(), 10));
        Assert.All(rows.SkipLast(1), row => Assert.Equal(0.5, row.GetProperty("first_position").GetDouble(), 10));
        Assert.Equal(0, table.ExitCode);
        Assert.Contains("offline", table.Out);
        Assert.Contains("66.7%", table.Out);
        Assert.Contains("longest", table.Out);
    }

    [Fact]
    public async Task A_bad_file_is_refused_in_one_line()
    {
        var file = Path.Combine(_folder, "bad.json");
        File.WriteAllText(file, """[{"instruction": "q"}]""");

        var result = await CliRunner.RunAsync("annotators", "agreement", "--home", _folder, "--annotations", file);

        Assert.Equal(CliApp.UsageError, result.ExitCode);
        Assert.Contains("missing or non-string field 'output_1'", result.Error);
    }

    [SharedDataFact]
    public async Task The_default_pool_beats_longest_on_both_published_files()
    {
        var result = await CliRunner.RunAsync("annotators", "agreement", "--home", _folder, "--json", "--annotations",
            SharedData.Path("alpaca_eval_annotations/alpaca-7b.json"), SharedData.Path("alpaca_eval_annotations/alpaca-farm-ppo-human.json"));

        Assert.Equal(0, result.ExitCode);
        var files = JsonDocument.Parse(result.Out).RootElement.GetProperty("files").EnumerateArray().ToList();
        Assert.Equal(2, files.Count);
        foreach (var file in files)
        {
            var rows = file.GetProperty("annotators").EnumerateArray().ToList();
            var pool = rows.Single(row => row.GetProperty("kind").GetString() == "pool");
            var longest = rows.Single(row => row.GetProperty("kind").GetString() == "baseline");
            Assert.Equal("offline", pool.GetProperty("annotator").GetString());
            Assert.True(pool.GetProperty("agreement").GetDouble() > longest.GetProperty("agreement").GetDouble() + 0.02,
                $"{file.GetProperty("path")}: offline {pool.GetProperty("agreement")} vs longest {longest.GetProperty("agreement")}");
        }
    }

    private string Write(string name, params object[] rows)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllText(path, JsonSerializer.Serialize(rows));
        return path;
    }

    private static Dictionary<string, object?> Row(string instruction, string output1, string output2, double? preference) => new()
    {
        ["instruction"] = instruction,
        ["output_1"] = output1,
        ["generator_1"] = "reference",
        ["dataset"] = "hand",
        ["output_2"] = output2,
        ["generator_2"] = "model",
        ["annotator"] = "hand",
        ["preference"] = preference,
        ["price_per_example"] = 0,
        ["time_per_example"] = 0,
    };
}
