using AlpacaFarm.Leaderboard;
using AlpacaFarm.Runner.Evaluation;
using AlpacaFarm.Simulation;
using AlpacaFarm.Tests.Catalog;
using AlpacaFarm.Tests.Cli;

namespace AlpacaFarm.Tests.Sandbox;

/// <summary>
/// A hidden world for community boards: a submission that answers with the committed eval-805's references wins in the
/// public world and gains nothing in a hidden one, and the hidden world's secret is printed and stored nowhere.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class HiddenWorldTests : IDisposable
{
    private readonly string _public = Directory.CreateTempSubdirectory("alpacafarm-public-").FullName;
    private readonly string _hidden = Directory.CreateTempSubdirectory("alpacafarm-hidden-").FullName;

    private static Task<CliResult> Submit(string home, string method) => CliRunner.RunAsync(
        "submit", TestPluginFolders.Of("test-hostile"), "--method", method, "--home", home, "--recipe", "tiny", "--threads", "1");

    /// <remarks>
    /// The tiny recipe's SFT policy is nearly mute (about 1 % gold), so any fluent text beats it and it cannot tell whether the
    /// copy is worth anything. The control is a policy that knows nothing: one that answers every instruction with itself.
    /// What the copied file is worth is the cheat's margin over that control.
    /// </remarks>
    [SandboxFact]
    public async Task The_committed_references_win_in_the_public_world_and_not_on_a_hidden_board()
    {
        // A fixed secret, so that the hidden world, and with it this test's outcome, is the same on every run (farm hide draws
        // a fresh one: A_home_that_holds_public_results… tests it).
        const string secret = "5b0e3c1f9a2d47e68c1b0f3a9d2e4c7b6a5f8e1d0c3b2a4958677f6e5d4c3b2a";
        await File.WriteAllTextAsync(Path.Combine(_hidden, HiddenWorld.KeyFile), secret + "\n");

        var results = new List<CliResult>();
        foreach (var home in new[] { _public, _hidden })
            foreach (var method in new[] { "hostile-references", "hostile-echo" })
                results.Add(await Submit(home, method));

        Assert.All(results, result => Assert.True(result.ExitCode == 0, result.Error));
        var (publicBoard, publicCheat) = Compare(_public);
        var (hiddenBoard, hiddenCheat) = Compare(_hidden);
        // Public: the copied references are eval-805's own answers, far above the control.
        Assert.True(publicCheat.GoldDifference > 2 * publicCheat.GoldPairedSe, $"public: {publicCheat}");
        Assert.True(publicCheat.SimulatedDifference > 2 * publicCheat.SimulatedPairedSe, $"public: {publicCheat}");
        // Hidden: other instructions, other facts, other categories; the copy is no better than knowing nothing.
        Assert.True(hiddenCheat.SimulatedDifference <= 2 * hiddenCheat.SimulatedPairedSe, $"hidden: {hiddenCheat}");
        Assert.True(hiddenCheat.GoldDifference <= 2 * hiddenCheat.GoldPairedSe, $"hidden: {hiddenCheat}");
        Assert.Contains("hidden", hiddenBoard.EvaluationSetName, StringComparison.Ordinal);
        Assert.DoesNotContain("hidden", publicBoard.EvaluationSetName, StringComparison.Ordinal);
        // The secret is in its key file and nowhere else: not printed, not in the database, not in any other file.
        Assert.DoesNotContain(secret, string.Concat(results.Select(result => result.Out + result.Error)));
        foreach (var file in Directory.EnumerateFiles(_hidden, "*", SearchOption.AllDirectories).Where(f => Path.GetFileName(f) != HiddenWorld.KeyFile))
            Assert.DoesNotContain(secret, File.ReadAllText(file));
    }

    [Fact]
    public async Task A_home_that_holds_public_results_is_not_hidden_and_a_hidden_one_is_not_hidden_twice()
    {
        Directory.CreateDirectory(Path.Combine(_public, "artifacts"));
        var used = await CliRunner.RunAsync("farm", "hide", "--home", _public);
        var first = await CliRunner.RunAsync("farm", "hide", "--home", _hidden);
        var again = await CliRunner.RunAsync("farm", "hide", "--home", _hidden);

        Assert.Equal((2, $"error: the home {_public} already holds results of the public world: hide a world in a new home (--home)"), (used.ExitCode, used.Error.Trim()));
        Assert.Equal(0, first.ExitCode);
        var secret = File.ReadAllText(Path.Combine(_hidden, HiddenWorld.KeyFile)).Trim();
        Assert.Matches("^[0-9a-f]{64}$", secret);
        Assert.Matches("^this home's farm world is now hidden: farm-3-hidden-[0-9a-f]{12}; ", first.Out);
        Assert.DoesNotContain(secret, first.Out + first.Error);
        Assert.Equal((2, $"error: the home {_hidden} already holds a hidden world ({HiddenWorld.KeyFile})"), (again.ExitCode, again.Error.Trim()));
        Assert.False(File.Exists(Path.Combine(_public, HiddenWorld.KeyFile)));
    }

    public void Dispose()
    {
        Directory.Delete(_public, recursive: true);
        Directory.Delete(_hidden, recursive: true);
    }

    /// <summary>
    /// The board of the home's rows, and the copy of the references against the echo (paired, per instruction), with gold read
    /// in the home's world, as the CLI's compare reads it.
    /// </summary>
    private static (BoardIdentity Board, RowComparison Comparison) Compare(string home)
    {
        FarmWorld.Use(HiddenWorld.Read(home));
        using var store = LeaderboardStore.Open(Path.Combine(home, LeaderboardStore.FileName));
        var board = Assert.Single(store.Boards()).Identity;
        return (board, RowComparison.Of(store, "test-hostile.hostile-references-tiny-s0", "test-hostile.hostile-echo-tiny-s0", board.Id));
    }
}
