using System.Text.Json;
using AlpacaFarm.Host.Cli;
using AlpacaFarm.Host.Output;

namespace AlpacaFarm.Tests.Cli;

/// <summary>
/// <c>alpacafarm home</c> on a home of files whose sizes the test chose: each kind's bytes and count are the sums of what was
/// written there, and the kinds add up to the total. A home that does not exist is said so and stays absent.
/// </summary>
public sealed class HomeCommandTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("alpacafarm-home-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    // Each file the home holds, by the kind `home` should count it under, with its size in bytes.
    private static readonly (string Kind, string Path, int Bytes)[] Files =
    [
        ("database", "leaderboard.db", 3000),
        ("database", "leaderboard.db-wal", 100),
        ("artifacts", "artifacts/policy/" + new string('a', 64) + "/weights.bin", 2048),
        ("artifacts", "artifacts/policy/" + new string('a', 64) + "/artifact-key.json", 10),
        ("artifacts", "artifacts/policy/" + new string('b', 64) + "/weights.bin", 5),
        ("artifacts", "artifacts/rewardmodel/" + new string('c', 64) + "/weights.bin", 4096),
        ("artifacts", "artifacts/.building/" + new string('d', 64) + "-12-ab/partial.bin", 7),
        ("artifacts", "artifacts/.locks/policy-" + new string('a', 64) + ".lock", 0),
        ("runs", "runs/" + new string('1', 64) + "/log.txt", 300),
        ("runs", "runs/" + new string('2', 64) + "/steps.csv", 1 << 20),
        ("draws", "cache/expert-iteration/demonstrations/" + new string('e', 64) + "/selection.json", 500),
        ("draws", "cache/expert-iteration/.locks/demonstrations-" + new string('e', 64) + ".lock", 0),
        ("outputs", "outputs/sft-tiny-s0.json", 40),
        ("outputs", "outputs/farm-validation/sft-tiny-s0.json", 60),
        ("other", "locks/run-" + new string('1', 64) + ".lock", 0),
        ("other", "notes.txt", 11),
    ];

    private string WriteHome()
    {
        var home = Path.Combine(_root, "home");
        foreach (var (_, path, bytes) in Files)
        {
            var full = Path.Combine(home, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllBytes(full, new byte[bytes]);
        }
        return home;
    }

    [Fact]
    public async Task Sizes_by_kind_are_the_sums_of_the_files_written_there()
    {
        var home = WriteHome();

        var result = await CliRunner.RunAsync("home", "--home", home, "--json");

        Assert.True(result.ExitCode == 0, result.Error);
        using var json = JsonDocument.Parse(result.Out);
        Assert.Equal(home, json.RootElement.GetProperty("home").GetString());
        Assert.Equal("--home", json.RootElement.GetProperty("source").GetString());
        Assert.True(json.RootElement.GetProperty("exists").GetBoolean());
        var parts = json.RootElement.GetProperty("parts").EnumerateArray().ToDictionary(part => part.GetProperty("kind").GetString()!);
        Assert.Equal(["database", "artifacts", "runs", "draws", "outputs", "other"], parts.Keys);
        foreach (var (kind, part) in parts)
            Assert.Equal(Files.Where(file => file.Kind == kind).Sum(file => (long)file.Bytes), part.GetProperty("bytes").GetInt64());
        Assert.Equal(Files.Sum(file => (long)file.Bytes), json.RootElement.GetProperty("total_bytes").GetInt64());

        // Counts: database files; artifact folders (not the build folder or the locks); run folders; draws; outputs files;
        // other files (the run lock and the note).
        Assert.Equal(2, parts["database"].GetProperty("count").GetInt32());
        Assert.Equal(3, parts["artifacts"].GetProperty("count").GetInt32());
        Assert.Equal("""{"policy":2,"rewardmodel":1}""", parts["artifacts"].GetProperty("by_kind").GetRawText().Replace(" ", "").Replace("\n", ""));
        Assert.Equal(2, parts["runs"].GetProperty("count").GetInt32());
        Assert.Equal(1, parts["draws"].GetProperty("count").GetInt32());
        Assert.Equal(2, parts["outputs"].GetProperty("count").GetInt32());
        Assert.Equal(2, parts["other"].GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task The_table_shows_each_kind_in_binary_units_and_the_total()
    {
        var home = WriteHome();

        var result = await CliRunner.RunAsync("home", "--home", home);

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains($"Home {home} (from --home)", result.Out);
        // Worked by hand from the sizes above: runs 300 + 1,048,576 bytes = 1.0003 MiB; artifacts 6,166 bytes = 6.02 KiB;
        // database 3,100 bytes = 3.03 KiB; the total 1,058,753 bytes = 1.0097 MiB.
        Assert.Matches(@"│ database\s+│\s+3\.0 KiB │\s+3,100 │ 2 files\s+│", result.Out);
        Assert.Matches(@"│ artifacts\s+│\s+6\.0 KiB │\s+6,166 │ 3 artifacts: policy 2, rewardmodel 1\s+│", result.Out);
        Assert.Matches(@"│ runs\s+│\s+1\.0 MiB │\s+1,048,876 │ 2 run folders\s+│", result.Out);
        Assert.Matches(@"│ draws\s+│\s+500 B │\s+500 │ 1 draw in cache/\s+│", result.Out);
        Assert.Matches(@"│ outputs\s+│\s+100 B │\s+100 │ 2 outputs files\s+│", result.Out);
        Assert.Matches(@"│ total\s+│\s+1\.0 MiB │\s+1,058,753 │", result.Out);
    }

    [Theory]
    [InlineData(0, "0 B")]
    [InlineData(1023, "1023 B")]
    [InlineData(1024, "1.0 KiB")]
    [InlineData(1536, "1.5 KiB")]
    [InlineData(1048575, "1.0 MiB")] // 1023.999 KiB would round to "1024.0 KiB"
    [InlineData(5L * 1024 * 1024 * 1024 + 512L * 1024 * 1024, "5.5 GiB")]
    public void Sizes_read_in_binary_units(long bytes, string expected) => Assert.Equal(expected, ByteSizes.Format(bytes));

    [Theory]
    [InlineData("home")]
    [InlineData("clean")]
    [InlineData("clean", "--yes")]
    public async Task A_home_that_does_not_exist_is_said_so_and_not_created(params string[] args)
    {
        var home = Path.Combine(_root, "absent");

        var table = await CliRunner.RunAsync([.. args, "--home", home]);
        var json = await CliRunner.RunAsync([.. args, "--home", home, "--json"]);

        Assert.True(table.ExitCode == 0, table.Error);
        Assert.Contains($"Home {home} (from --home) does not exist", table.Out);
        Assert.True(json.ExitCode == 0, json.Error);
        Assert.False(JsonDocument.Parse(json.Out).RootElement.GetProperty("exists").GetBoolean());
        Assert.False(Directory.Exists(home));
    }

    [Theory]
    [InlineData("home", "--json")]
    [InlineData("clean", "--yes")]
    public async Task Help_describes_the_options_and_a_home_that_is_a_file_is_one_line(string command, string option)
    {
        var help = await CliRunner.RunAsync(command, "--help");
        var file = Path.Combine(_root, "file");
        File.WriteAllText(file, "");
        var refused = await CliRunner.RunAsync(command, "--home", file);

        Assert.Equal(0, help.ExitCode);
        Assert.Contains(option, help.Out);
        Assert.Contains("--home", help.Out);
        Assert.Equal(CliApp.UsageError, refused.ExitCode);
        Assert.Equal($"error: the home '{file}' (from --home) is a file, not a directory: give a directory\n", refused.Error);
    }
}
