using AlpacaFarm.Host.Cli;
using System.Text.Json;
using AlpacaFarm.Leaderboard;

namespace AlpacaFarm.Tests.Cli;

/// <summary>evaluate and leaderboard end to end, on the public AlpacaEval files and a temporary home.</summary>
public sealed class EvaluateCommandTests : IDisposable
{
    private readonly string _home = Directory.CreateTempSubdirectory("alpacafarm-home-").FullName;

    public void Dispose() => Directory.Delete(_home, recursive: true);

    [SharedDataFact]
    public async Task Evaluating_outputs_adds_a_row_and_a_rerun_asks_nobody()
    {
        var first = await Evaluate("alpaca_eval/gpt4.json");
        var again = await Evaluate("alpaca_eval/gpt4.json");

        Assert.Equal(0, first.ExitCode);
        Assert.Contains("added; 793 pairs sent to annotators", first.Out); // 12 of 805 outputs equal the reference
        Assert.Equal(0, again.ExitCode);
        Assert.Contains("already stored with the same content and seed: nothing asked, nothing written; 0 pairs sent", again.Out);
        Assert.Equal(1, SubmissionCount());
    }

    [SharedDataFact]
    public async Task Empty_outputs_are_refused_and_nothing_is_stored()
    {
        await Evaluate("alpaca_eval/gpt4.json");

        var result = await Evaluate("alpaca_eval/text_davinci_003.json");

        Assert.Equal(CliApp.UsageError, result.ExitCode);
        Assert.Equal($"error: {SharedData.Path("alpaca_eval/text_davinci_003.json")}: rows 247, 504: empty output\n", result.Error);
        Assert.Equal(1, SubmissionCount());
    }

    [SharedDataFact]
    public async Task Published_rows_are_reproduced_from_their_annotations_on_one_board()
    {
        var alpaca = Row(await Import("alpaca-7b.json"));
        var ppo = Row(await Import("alpaca-farm-ppo-human.json"));

        Assert.Equal(26.4596, alpaca.GetProperty("win_rate").GetDouble(), 4);
        Assert.Equal(1.5357, alpaca.GetProperty("standard_error").GetDouble(), 4);
        Assert.Equal((205, 584, 16, 805), Counts(alpaca));
        Assert.Equal(41.2422, ppo.GetProperty("win_rate").GetDouble(), 4);
        Assert.Equal(1.7272, ppo.GetProperty("standard_error").GetDouble(), 4);
        Assert.Equal((328, 469, 8, 805), Counts(ppo));
        Assert.Equal(alpaca.GetProperty("board").GetString(), ppo.GetProperty("board").GetString());
    }

    [SharedDataFact]
    public async Task Same_name_with_another_seed_is_refused_unless_replaced()
    {
        await Evaluate("alpaca_eval/alpaca-7b.json");

        var refused = await Evaluate("alpaca_eval/alpaca-7b.json", "--seed", "1");
        var replaced = await Evaluate("alpaca_eval/alpaca-7b.json", "--seed", "1", "--replace");

        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("--replace", refused.Error);
        Assert.Single(refused.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(0, replaced.ExitCode);
        Assert.Contains("replaced the stored row", replaced.Out);
        Assert.Equal(1, SubmissionCount());
    }

    [SharedDataFact]
    public async Task Leaderboard_ranks_each_board_on_its_own_with_alpaca_eval_columns()
    {
        await Evaluate("alpaca_eval/alpaca-7b.json");
        await Evaluate("alpaca_eval/gpt4.json");
        await Import("alpaca-7b.json");

        var csv = await CliRunner.RunAsync("leaderboard", "--home", _home, "--format", "csv");
        var json = await CliRunner.RunAsync("leaderboard", "--home", _home, "--format", "json");

        var lines = csv.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(",win_rate,standard_error,n_wins,n_wins_base,n_draws,n_total,discrete_win_rate,mode,avg_length,length_controlled_winrate,lc_standard_error,board,gold_win_rate,gold_standard_error,n_unjudged,lc_absence,integrity_flags", lines[0]);
        // The "longest" judge prefers GPT-4's longer answers (95 % raw) while its length-controlled rate is 50: the lc-gap flag
        // lists it after alpaca-7b, unranked.
        Assert.Equal(["alpaca-7b", "gpt4", "alpaca-7b"], lines.Skip(1).Select(line => line.Split(',')[0]));
        Assert.EndsWith(",lc-gap", lines[2]);
        var boards = JsonDocument.Parse(json.Out).RootElement.EnumerateArray().ToList();
        Assert.Equal(2, boards.Count);
        Assert.Equal([2, 1], boards.Select(board => board.GetProperty("rows").GetArrayLength()).OrderDescending());
    }

    [SharedDataFact]
    public async Task Markdown_and_table_formats_name_the_board()
    {
        await Evaluate("alpaca_eval/gpt4.json");

        var md = await CliRunner.RunAsync("leaderboard", "--home", _home, "--format", "md");
        var table = await CliRunner.RunAsync("leaderboard", "--home", _home);

        // Under the "longest" judge GPT-4's raw 95.47 against its length-controlled 50 raises lc-gap: listed, unranked.
        Assert.Contains("| – | gpt4 | 95.47 |", md.Out);
        Assert.Contains("gpt4: lc-gap: raw win rate 95.47 against length-controlled", md.Out);
        Assert.Contains("annotator pool longest", table.Out);
        Assert.Contains("gpt4", table.Out);
    }

    [SharedDataFact]
    public async Task The_default_pool_is_the_offline_judges()
    {
        var result = await CliRunner.RunAsync("evaluate", "--home", _home, "--outputs", SharedData.Path("alpaca_eval/gpt4.json"), "--reference", SharedData.Reference);
        var table = await CliRunner.RunAsync("leaderboard", "--home", _home);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("pool offline): added; 793 pairs sent to annotators", result.Out);
        Assert.Contains("annotator pool offline", table.Out);
    }

    [SharedDataFact]
    public async Task Outputs_without_a_reference_is_a_usage_error()
    {
        var result = await CliRunner.RunAsync("evaluate", "--home", _home, "--outputs", SharedData.Path("alpaca_eval/gpt4.json"));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--outputs needs --reference", result.Error);
        Assert.False(File.Exists(Path.Combine(_home, LeaderboardStore.FileName)));
    }

    // These tests pin numbers and row orders of the longest pool; the default pool (offline) has its own test.
    private Task<CliResult> Evaluate(string outputs, params string[] extra) =>
        CliRunner.RunAsync(["evaluate", "--home", _home, "--outputs", SharedData.Path(outputs), "--reference", SharedData.Reference, "--annotators", "longest", .. extra]);

    private Task<CliResult> Import(string annotations) =>
        CliRunner.RunAsync("evaluate", "--home", _home, "--annotations", SharedData.Path("alpaca_eval_annotations/" + annotations), "--json");

    private static JsonElement Row(CliResult result)
    {
        Assert.Equal(0, result.ExitCode);
        return JsonDocument.Parse(result.Out).RootElement;
    }

    private static (int, int, int, int) Counts(JsonElement row) =>
        (row.GetProperty("n_wins").GetInt32(), row.GetProperty("n_wins_base").GetInt32(), row.GetProperty("n_draws").GetInt32(), row.GetProperty("n_total").GetInt32());

    private int SubmissionCount()
    {
        using var store = LeaderboardStore.Open(Path.Combine(_home, LeaderboardStore.FileName));
        return store.Boards().Sum(board => board.Submissions);
    }
}
