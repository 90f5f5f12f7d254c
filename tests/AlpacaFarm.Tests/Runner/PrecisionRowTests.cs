using System.Text.Json;
using AlpacaFarm.Tests.Cli;

namespace AlpacaFarm.Tests.Runner;

/// <summary>
/// A bf16-mixed run trains other models than an fp32 run of the same seed, so its rows are rows of their own (-bf16), stored
/// beside the fp32 rows rather than refused as another policy's baseline after the shared models were trained.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class PrecisionRowTests : IDisposable
{
    private readonly TinyFarmHome _home = new(); // fp32 rows: sft-tiny-s0 and test-labels-tiny-s0

    public void Dispose() => _home.Dispose();

    [Fact]
    public async Task A_bf16_mixed_run_in_an_fp32_home_stores_its_own_rows_and_leaves_the_fp32_rows_as_they_were()
    {
        var before = _home.Rows();

        var result = await _home.Run("--methods", "best-of-n", "--set", "best-of-n.n=2", "--precision", "bf16-mixed", "--format", "json");

        Assert.True(result.ExitCode == 0, result.Error);
        var after = _home.Rows();
        foreach (var (name, aggregate) in before) Assert.Equal(aggregate, after[name]);
        var added = after.Keys.Except(before.Keys).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(2, added.Count);
        Assert.Equal("sft-tiny-s0-bf16", added[1]);
        Assert.Matches("^best-of-n-tiny-s0-bf16-h[0-9a-f]{8}$", added[0]);
        using var store = _home.Open();
        var board = store.Boards().Single().Identity.Id;
        Assert.Equal("bf16-mixed", store.FindSubmission(board, "sft-tiny-s0-bf16")!.Provenance.Run!["precision"]);
        Assert.Equal("bf16-mixed", store.FindSubmission(board, added[0])!.Provenance.Run!["precision"]);
        // The method's paired difference is taken against the baseline of its own precision: the table's figure is what
        // `compare` gives for that pair of rows.
        var rows = JsonDocument.Parse(result.Out).RootElement.GetProperty("summary").GetProperty("rows");
        Assert.Equal("sft-tiny-s0-bf16", rows[0].GetProperty("row_names")[0].GetString());
        var compared = await CliRunner.RunAsync(["compare", added[0], "sft-tiny-s0-bf16", "--home", _home.Path, "--json"]);
        Assert.True(compared.ExitCode == 0, compared.Error);
        Assert.Equal(JsonDocument.Parse(compared.Out).RootElement.GetProperty("simulated_difference").GetDouble(),
            rows[1].GetProperty("simulated_vs_sft").GetProperty("mean").GetDouble(), 9);
    }
}
