using AlpacaFarm.Leaderboard;

namespace AlpacaFarm.Tests.Cli;

/// <summary>
/// <c>leaderboard</c>, <c>runs</c> and <c>compare</c> only read: on a home this process cannot write they work and leave every
/// file as it was. The home is made read-only for real, in a child process: as root (whom file modes do not stop) through a
/// read-only bind mount in a private mount namespace, otherwise by taking the write permission away.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ReadOnlyHomeTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("alpacafarm-readonly-").FullName;

    public void Dispose()
    {
        foreach (var entry in Directory.EnumerateFileSystemEntries(_root, "*", SearchOption.AllDirectories).Append(_root))
            File.SetUnixFileMode(entry, File.GetUnixFileMode(entry) | UnixFileMode.UserWrite);
        Directory.Delete(_root, recursive: true);
    }

    [Theory]
    [InlineData(false)] // the schema of the release before: read through a migrated copy in memory
    [InlineData(true)]  // the current schema, a WAL file whose index a read-only home cannot hold
    public async Task Read_only_commands_work_on_a_read_only_home_and_change_nothing(bool current)
    {
        var home = Path.Combine(_root, "home");
        Directory.CreateDirectory(home);
        var database = Path.Combine(home, LeaderboardStore.FileName);
        File.Copy(Path.Combine(AppContext.BaseDirectory, "Leaderboard", "Data", "home-b5d7c74.db"), database);
        if (current) LeaderboardStore.Open(database).Dispose();
        var before = Snapshot(home);

        var leaderboard = await ReadOnly(home, "leaderboard", "--home", home);
        var runs = await ReadOnly(home, "runs", "--home", home);
        var compare = await ReadOnly(home, "compare", "ppo-tiny-s0-ha7c2def3", "sft-tiny-s0", "--home", home);

        foreach (var result in new[] { leaderboard, runs, compare }) Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("ppo-tiny-s0-ha7c2def3", leaderboard.Out);
        Assert.Contains(MethodRunStatus.Interrupted, runs.Out); // the run killed under the old release: its lock is free
        Assert.Contains("simulated win rate", compare.Out);
        Assert.Equal(before, Snapshot(home));
    }

    private static async Task<CliResult> ReadOnly(string home, params string[] args)
    {
        IReadOnlyList<string> wrapper;
        if (Environment.UserName == "root")
        {
            const string script = """mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" "$0" && exec "$@" """;
            wrapper = ["unshare", "--mount", "sh", "-c", script, home];
        }
        else
        {
            foreach (var entry in Directory.EnumerateFileSystemEntries(home, "*", SearchOption.AllDirectories).Append(home))
                File.SetUnixFileMode(entry, File.GetUnixFileMode(entry) & ~(UnixFileMode.UserWrite | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite));
            wrapper = [];
        }
        using var child = ChildCli.StartUnder(wrapper, args);
        return await child.ExitAsync();
    }

    // Every file under the home with its bytes: a read-only command creates, changes and deletes none.
    private static SortedDictionary<string, string> Snapshot(string home) =>
        new(Directory.EnumerateFiles(home, "*", SearchOption.AllDirectories)
            .ToDictionary(file => Path.GetRelativePath(home, file), file => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(file)))),
            StringComparer.Ordinal);
}
