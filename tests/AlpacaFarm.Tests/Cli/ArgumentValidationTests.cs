using AlpacaFarm.Host.Cli;
using System.Text;
using AlpacaFarm.Leaderboard;
using AlpacaFarm.Testing;

namespace AlpacaFarm.Tests.Cli;

/// <summary>Bad arguments are one line and a non-zero exit, found before any pair is judged or anything is written.</summary>
public sealed class ArgumentValidationTests : IDisposable
{
    private readonly SmallSet _set = new();

    public void Dispose() => _set.Dispose();

    private string Home => _set.Home;

    private string Folder => _set.Folder;

    private Task<CliResult> Evaluate(LoopbackChatServer server, string outputs, params string[] extra) => _set.Evaluate(server, outputs, extra);

    [Theory]
    [InlineData("", "error: --name is empty.")]
    [InlineData("   ", "error: --name is blank.")]
    [InlineData("two\nlines", "error: --name contains a control character (a newline or tab, say).")]
    public async Task A_bad_name_is_refused_before_any_pair_is_judged(string name, string error)
    {
        await using var server = new LoopbackChatServer();

        var result = await Evaluate(server, _set.Outputs, "--name", name);

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith(error, result.Error);
        Assert.Empty(server.Requests);
        Assert.False(Directory.Exists(Home));
    }

    [Fact]
    public async Task Outputs_naming_several_generators_need_a_name_before_any_pair_is_judged()
    {
        await using var server = new LoopbackChatServer();
        var mixed = _set.Write("mixed.json", _set.Instructions.Select((instruction, i) => SmallSet.Row(instruction, "An answer.", i < 3 ? "model-a" : "model-b")));

        var result = await Evaluate(server, mixed);

        Assert.Equal(CliApp.UsageError, result.ExitCode);
        Assert.Equal("error: the outputs name 2 generators ('model-a', 'model-b'): give the row's name with --name\n", result.Error);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task An_empty_home_is_refused_not_replaced_by_the_default()
    {
        var result = await CliRunner.RunAsync("leaderboard", "--home", "");

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("error: --home is empty: give a directory, or leave --home out", result.Error);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-3")]
    public async Task Thread_counts_below_one_are_refused(string threads)
    {
        var result = await CliRunner.RunAsync("sft", "--home", Home, "--recipe", "tiny", "--threads", threads);

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith($"error: --threads must be at least 1 (got {threads}).", result.Error);
        Assert.False(Directory.Exists(Home));
    }

    [Fact]
    public async Task A_directory_given_as_outputs_is_called_a_directory()
    {
        await using var server = new LoopbackChatServer();

        var result = await Evaluate(server, Folder);

        Assert.Equal(CliApp.UsageError, result.ExitCode);
        Assert.Equal($"error: {Folder}: is a directory, not a file\n", result.Error);
    }

    [Fact]
    public async Task A_utf8_byte_order_mark_is_skipped_and_a_utf16_one_is_named()
    {
        await using var server = new LoopbackChatServer();
        var text = File.ReadAllText(_set.Outputs);
        var utf8 = Path.Combine(Folder, "bom8.json");
        File.WriteAllBytes(utf8, [.. Encoding.UTF8.Preamble, .. Encoding.UTF8.GetBytes(text)]);
        var utf16 = Path.Combine(Folder, "bom16.json");
        File.WriteAllBytes(utf16, [.. Encoding.Unicode.Preamble, .. Encoding.Unicode.GetBytes(text)]);

        var withUtf8 = await Evaluate(server, utf8);
        var withUtf16 = await Evaluate(server, utf16);

        Assert.True(withUtf8.ExitCode == 0, withUtf8.Error);
        Assert.Equal(CliApp.UsageError, withUtf16.ExitCode);
        Assert.Equal($"error: {utf16}: starts with a UTF-16 (little-endian) byte-order mark: save it as UTF-8\n", withUtf16.Error);
    }

    [Fact]
    public async Task An_output_of_white_space_only_is_refused_like_an_empty_one()
    {
        await using var server = new LoopbackChatServer();
        var blank = _set.Write("blank.json", _set.Instructions.Select((instruction, i) => SmallSet.Row(instruction, i == 3 ? " \n\t " : "An answer.", "m")));

        var result = await Evaluate(server, blank);

        Assert.Equal(CliApp.UsageError, result.ExitCode);
        Assert.Equal($"error: {blank}: row 3: output of white space only\n", result.Error);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task The_leaderboard_command_creates_no_home_and_no_database()
    {
        var result = await CliRunner.RunAsync("leaderboard", "--home", Home);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("No evaluations stored yet", result.Out);
        Assert.False(Directory.Exists(Home));
    }

    [Fact]
    public async Task The_leaderboard_command_refuses_a_foreign_leaderboard_db_and_leaves_it_unchanged()
    {
        Directory.CreateDirectory(Home);
        var path = Path.Combine(Home, LeaderboardStore.FileName);
        using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "CREATE TABLE notes (text TEXT)";
            command.ExecuteNonQuery();
        }
        var bytes = File.ReadAllBytes(path);

        var result = await CliRunner.RunAsync("leaderboard", "--home", Home);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"error: '{path}' is an SQLite database with tables but no AlpacaFarm schema version: not an AlpacaFarm leaderboard; it was not changed.\n", result.Error);
        Assert.Equal(bytes, File.ReadAllBytes(path));
    }
}
