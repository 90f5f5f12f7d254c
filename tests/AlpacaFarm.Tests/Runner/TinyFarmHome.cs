using AlpacaFarm.Leaderboard;
using AlpacaFarm.Tests.Cli;
using AlpacaFarm.Tests.Catalog;

namespace AlpacaFarm.Tests.Runner;

/// <summary>
/// A home whose tiny-recipe SFT policy, preference pairs, reward model and SFT baseline row are made once for a test
/// class; runs score on the tiny validation split (32 rows), so each method run takes a second or two.
/// </summary>
public sealed class TinyFarmHome : IDisposable
{
    public TinyFarmHome()
    {
        // A run that succeeds: trains what every run needs and stores the baseline and its own row.
        var result = Run("--methods", "test-labels", "--plugins", Misbehaving, "--trust").GetAwaiter().GetResult();
        if (result.ExitCode != 0) throw new InvalidOperationException(result.Error);
    }

    public string Path { get; } = Directory.CreateTempSubdirectory("alpacafarm-runner-").FullName;

    public static string Misbehaving => TestPluginFolders.Of("test-misbehaving");

    public static string Good => TestPluginFolders.Of("test-good");

    /// <summary><c>alpacafarm run</c> in this home on the tiny recipe and the validation split, with one thread.</summary>
    public Task<CliResult> Run(params string[] args) => CliRunner.RunAsync(RunArguments(args));

    /// <summary>The same command line as <see cref="Run"/>, for a child process.</summary>
    public string[] RunArguments(params string[] args) =>
        ["run", "--home", Path, "--recipe", "tiny", "--threads", "1", "--eval-split", "validation", .. args];

    /// <summary>Rows of every board, by name, with their aggregates.</summary>
    public IReadOnlyDictionary<string, AggregateRecord> Rows()
    {
        using var store = Open();
        return store.Boards().SelectMany(board => store.Ranking(board.Identity.Id, RankingOrder.WinRate)).ToDictionary(row => row.Name, row => row.Aggregate);
    }

    /// <summary>Recorded runs, newest first.</summary>
    public IReadOnlyList<MethodRunRecord> Runs()
    {
        using var store = Open();
        return store.MethodRuns();
    }

    public LeaderboardStore Open() => LeaderboardStore.Open(System.IO.Path.Combine(Path, LeaderboardStore.FileName));

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
