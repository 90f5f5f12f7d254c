using AlpacaFarm.Host.Cli;
using System.Buffers.Binary;
using AlpacaFarm.Tests.Runner;
using SkiaSharp;

namespace AlpacaFarm.Tests.Cli;

/// <summary>
/// <c>alpacafarm curves</c> on a real Quark run of the tiny recipe: one PNG with a panel per steps.csv column (three a
/// row, 420 × 280 pixels each), or per chosen column; a name that matches no run, a run without a log, an unknown column
/// and a malformed log each get one line and a non-zero exit.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class CurvesCommandTests(TinyFarmHome home) : IClassFixture<TinyFarmHome>
{
    private static readonly SemaphoreSlim Once = new(1, 1);
    private static string? _row;

    // A four-step Quark run, made once for the class: its row's name.
    private async Task<string> QuarkRow()
    {
        await Once.WaitAsync();
        try
        {
            if (_row is null)
            {
                var result = await home.Run("--methods", "quark", "--set", "quark.total_steps=4", "--set", "quark.rollout_batch_size=16",
                    "--set", "quark.step_batch_size=8", "--set", "quark.max_new_tokens=16", "--set", "quark.warmup_steps=1", "--set", "quark.save_every=0");
                Assert.True(result.ExitCode == 0, result.Error);
                _row = home.Runs().First(run => run.Method == "quark" && run.RowName is not null).RowName!;
            }
            return _row;
        }
        finally
        {
            Once.Release();
        }
    }

    private Task<CliResult> Curves(params string[] args) => CliRunner.RunAsync(["curves", "--home", home.Path, .. args]);

    private static (int Width, int Height) PngSize(string path)
    {
        var bytes = File.ReadAllBytes(path);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], bytes[..4]);
        return (BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16)), BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20)));
    }

    [Fact]
    public async Task A_runs_steps_become_one_png_with_a_panel_per_column()
    {
        var row = await QuarkRow();
        var png = Path.Combine(home.Path, "all.png");

        var result = await Curves(row, "--out", png);

        Assert.True(result.ExitCode == 0, result.Error);
        // Quark's steps.csv: step and 15 columns (4 reward columns, 4 bin bounds, KL, entropy, NLL, length, 3 timings): 5 rows of 3 panels.
        Assert.Equal((3 * 420, 5 * 280), PngSize(png));
        using var bitmap = SKBitmap.Decode(png);
        var drawn = 0;
        for (var y = 0; y < bitmap.Height; y += 4)
            for (var x = 0; x < bitmap.Width; x += 4)
                if (bitmap.GetPixel(x, y) != SKColors.White) drawn++;
        Assert.True(drawn > bitmap.Width * bitmap.Height / 16 / 50, $"only {drawn} sampled pixels are not white: the panels are empty");

        var two = Path.Combine(home.Path, "two.png");
        Assert.Equal(0, (await Curves(row, "--columns", "reward,kl", "--out", two)).ExitCode);
        Assert.Equal((2 * 420, 280), PngSize(two));
    }

    [Fact]
    public async Task Bad_names_columns_and_logs_are_one_line_and_a_non_zero_exit()
    {
        var row = await QuarkRow();
        var labels = home.Runs().First(run => run.Method == "test-labels").RowName!;

        await Refused(Curves("nope"), "error: no recorded run stored row 'nope'");
        await Refused(Curves(labels), "error: run ");
        await Refused(Curves(row, "--columns", "reward,foo", "--out", Path.Combine(home.Path, "x.png")), "error: steps.csv has no column 'foo' to plot (it has: reward,");

        var steps = Path.Combine(home.Runs().First(run => run.RowName == row).WorkDirectory, "steps.csv");
        var kept = File.ReadAllText(steps);
        try
        {
            File.AppendAllText(steps, "5,oops\n");
            await Refused(Curves(row, "--out", Path.Combine(home.Path, "y.png")), "error: ", CliApp.Failure); // a damaged log, not a bad argument
        }
        finally
        {
            File.WriteAllText(steps, kept);
        }
        Assert.False(File.Exists(Path.Combine(home.Path, "x.png")) || File.Exists(Path.Combine(home.Path, "y.png")));

        static async Task Refused(Task<CliResult> run, string start, int exitCode = CliApp.UsageError)
        {
            var result = await run;
            Assert.Equal(exitCode, result.ExitCode);
            Assert.StartsWith(start, result.Error);
            Assert.Equal(1, result.Error.Count(c => c == '\n'));
        }
    }
}
