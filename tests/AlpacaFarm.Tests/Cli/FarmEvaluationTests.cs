using System.Text.Json;
using AlpacaFarm.Simulation;

namespace AlpacaFarm.Tests.Cli;

/// <summary>evaluate --reference farm: the farm pool by default, and the gold win-rate beside the simulated one.</summary>
public sealed class FarmEvaluationTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("alpacafarm-farm-eval-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Demonstrator_outputs_get_simulated_and_gold_win_rates_on_the_farm_board()
    {
        var set = FarmEvalSet.Load();
        var outputs = Path.Combine(_folder, "demonstrator.json");
        File.WriteAllText(outputs, JsonSerializer.Serialize(set.FarmItems.Select(item => new
        {
            instruction = item.Instruction,
            output = FarmResponders.RespondAsDemonstrator(item.Task, FarmWorld.DefaultSeed),
            generator = "demonstrator",
            dataset = item.Family,
        })));

        var json = await CliRunner.RunAsync("evaluate", "--home", _folder, "--outputs", outputs, "--reference", "farm", "--json");
        var table = await CliRunner.RunAsync("leaderboard", "--home", _folder);

        Assert.True(json.ExitCode == 0, json.Error);
        var row = JsonDocument.Parse(json.Out).RootElement;
        Assert.InRange(row.GetProperty("win_rate").GetDouble(), 30, 45);
        Assert.InRange(row.GetProperty("gold_win_rate").GetDouble(), 35, 45);
        Assert.InRange(row.GetProperty("gold_standard_error").GetDouble(), 0.1, 2);
        Assert.Contains("gold win rate", table.Out);
        Assert.Contains("annotator pool farm", table.Out);
    }

    [Fact]
    public async Task The_reference_against_itself_is_a_draw_everywhere()
    {
        var set = FarmEvalSet.Load();
        var outputs = Path.Combine(_folder, "reference.json");
        File.WriteAllText(outputs, JsonSerializer.Serialize(set.Items.Select(item => new
        {
            instruction = item.Instruction, output = item.ReferenceOutput, generator = "reference", dataset = item.Dataset,
        })));

        var result = await CliRunner.RunAsync("evaluate", "--home", _folder, "--outputs", outputs, "--reference", "farm", "--json");

        var row = JsonDocument.Parse(result.Out).RootElement;
        Assert.Equal(50, row.GetProperty("win_rate").GetDouble(), 9);
        Assert.Equal(50, row.GetProperty("gold_win_rate").GetDouble(), 9);
        Assert.Equal(805, row.GetProperty("n_draws").GetInt32());
    }
}
