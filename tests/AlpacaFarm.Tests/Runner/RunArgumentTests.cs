using AlpacaFarm.Host.Cli;
using AlpacaFarm.Tests.Cli;
using AlpacaFarm.Tests.Catalog;

namespace AlpacaFarm.Tests.Runner;

/// <summary>Everything a run is given is checked before any training, annotation or database: one line and a non-zero exit.</summary>
public sealed class RunArgumentTests : IDisposable
{
    private readonly string _home = Path.Combine(Path.GetTempPath(), "alpacafarm-run-arguments-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_home)) Directory.Delete(_home, recursive: true);
    }

    [Theory]
    [InlineData(new[] { "--methods", "nope" }, "error: unknown method 'nope' (known: best-of-n, binary-feedme, binary-reward-conditioning, dpo, expert-iteration, ppo, quark)")]
    [InlineData(new[] { "--methods", "test-declared", "--plugins", "MISBEHAVING", "--trust" }, "error: method 'test-declared' of plugin 'test-misbehaving' is not implemented yet")]
    [InlineData(new[] { "--methods", "quark", "--set", "quark.mode=all" }, "error: method 'quark': mode must be one of top-bin, tokens (got 'all')")]
    [InlineData(new[] { "--methods", "dpo", "--set", "dpo.loss=kto" }, "error: method 'dpo': loss must be one of dpo, ipo, simpo (got 'kto')")]
    [InlineData(new[] { "--methods", "test-echo", "--plugins", "GOOD" }, "error: method 'test-echo' comes from the third-party plugin folder GOOD: it runs inside this process only with --trust")]
    [InlineData(new[] { "--methods", "test-echo", "--plugins", "GOOD", "--trust", "--set", "test-echo.colour=red" }, "error: method 'test-echo' has no hyperparameter 'colour' (it has: prefix)")]
    [InlineData(new[] { "--methods", "test-echo", "--plugins", "GOOD", "--trust", "--set", "test-echo.prefix=loud" }, "error: method 'test-echo': prefix must be one of none, echo (got 'loud')")]
    [InlineData(new[] { "--methods", "test-echo", "--plugins", "GOOD", "--trust", "--set", "dpo.beta=1" }, "error: --set names method 'dpo', which is not among the methods to run (test-echo)")]
    [InlineData(new[] { "--methods", "test-echo,test-echo", "--plugins", "GOOD", "--trust" }, "error: method 'test-echo' is given twice")]
    [InlineData(new[] { "--methods", "test-echo", "--device", "cuda:0" }, "error: device 'cuda:0' asked for, but this process's libtorch has no CUDA backend")]
    [InlineData(new[] { "--methods", "test-echo", "--set", "test-echo.prefix" }, "error: --set 'test-echo.prefix' is not METHOD.KEY=VALUE.")]
    [InlineData(new[] { "--methods", "test-echo", "--time-limit", "soon" }, "error: --time-limit 'soon' is not a duration such as 90s, 30m, 2h or 01:30:00.")]
    [InlineData(new[] { "--methods", "test-echo", "--label-budget", "-1" }, "error: --label-budget must be at least 0 (got -1).")]
    [InlineData(new[] { "--methods", "best-of-n", "--set", "best-of-n.n=4", "--set", "best-of-n.n=8" },
        "error: --set gives best-of-n.n twice ('best-of-n.n=4' and 'best-of-n.n=8'): give it once.")]
    [InlineData(new[] { "--methods", "best-of-n", "--time-limit", "0s" }, "error: --time-limit must be positive (got '0s').")]
    [InlineData(new[] { "--methods", "best-of-n", "--threads", "0" }, "error: --threads must be at least 1 (got 0).")]
    [InlineData(new[] { "--methods", "dpo", "--precision", "fp16" }, "error: --precision must be one of fp32, bf16-mixed (got 'fp16').")]
    [InlineData(new[] { "--methods", "test-echo", "--plugins", "GOOD", "--trust", "--precision", "bf16-mixed" },
        "error: method 'test-echo' comes from a plugin built for contract 3.0.0, which predates --precision: it trains only in fp32 (leave --precision out)")]
    [InlineData(new[] { "--methods", "best-of-n", "--plugins", "/nonexistent/plugins", "--trust" }, "error: plugins folder not found: /nonexistent/plugins")]
    [InlineData(new[] { "--seed", "1", "--seeds", "0,1" }, "error: give --seed or --seeds, not both.")]
    [InlineData(new[] { "--seeds", "0,0" }, "error: --seeds '0,0' gives seed 0 twice.")]
    [InlineData(new[] { "--seeds", "2..0" }, "error: --seeds '2..0': '2..0' is not a seed or a range such as 0..4.")]
    [InlineData(new[] { "--json", "--format", "md" }, "error: --json and --format md ask for two formats: give one.")]
    public async Task A_bad_run_is_refused_before_any_work(string[] args, string error)
    {
        var good = TinyFarmHome.Good;
        var result = await CliRunner.RunAsync(["run", "--home", _home, "--recipe", "tiny",
            .. args.Select(arg => arg == "GOOD" ? good : arg == "MISBEHAVING" ? TinyFarmHome.Misbehaving : arg)]);

        Assert.Equal(CliApp.UsageError, result.ExitCode); // one code for every refusal, whether the parser or a check made it
        Assert.StartsWith(error.Replace("GOOD", good), result.Error);
        Assert.Equal(1, result.Error.Count(c => c == '\n'));
        Assert.False(Directory.Exists(_home)); // nothing trained, nothing stored
    }

    [Fact]
    public async Task A_plugin_folder_that_cannot_load_is_named_with_its_reason_when_its_method_is_asked_for()
    {
        var broken = Path.Combine(Path.GetTempPath(), "alpacafarm-broken-plugin-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(broken);
        try
        {
            File.WriteAllText(Path.Combine(broken, "plugin.json"), "{ \"id\": \"broken\", ");
            var throwing = TestPluginFolders.Of("test-throwing-constructor");

            var malformed = await CliRunner.RunAsync("run", "--home", _home, "--recipe", "tiny", "--methods", "broken-method", "--plugins", broken, "--trust");
            var constructor = await CliRunner.RunAsync("run", "--home", _home, "--recipe", "tiny", "--methods", "thrower", "--plugins", throwing, "--trust");

            Assert.Equal(CliApp.UsageError, malformed.ExitCode);
            Assert.StartsWith("error: unknown method 'broken-method' (known: ", malformed.Error);
            Assert.Contains($"; not loaded: {broken}: malformed manifest: ", malformed.Error);
            Assert.Equal(CliApp.UsageError, constructor.ExitCode);
            Assert.EndsWith($"; not loaded: {throwing}: constructor of AlpacaFarm.TestPlugins.ThrowingConstructor.ThrowingMethod threw " +
                "InvalidOperationException: boom in constructor\n", constructor.Error);
            Assert.All(new[] { malformed, constructor }, result => Assert.Equal(1, result.Error.Count(c => c == '\n')));
            Assert.False(Directory.Exists(_home));
        }
        finally
        {
            Directory.Delete(broken, recursive: true);
        }
    }
}
