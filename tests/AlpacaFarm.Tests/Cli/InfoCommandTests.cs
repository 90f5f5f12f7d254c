using System.Text.Json;
using AlpacaFarm.Application.Info;
using AlpacaFarm.Modeling.Runtime;
using AlpacaFarm.Native;

namespace AlpacaFarm.Tests.Cli;

[Collection(TorchCollection.Name)]
public sealed class InfoCommandTests
{
    [Fact]
    public async Task Info_prints_torchsharp_and_libtorch_versions_and_patch_status()
    {
        var home = Path.Combine(Path.GetTempPath(), "alpacafarm-info-" + Guid.NewGuid().ToString("N"));
        var result = await CliRunner.RunAsync("info", "--json", "--home", home);

        Assert.Equal(0, result.ExitCode);
        using var json = JsonDocument.Parse(result.Out);
        var torch = json.RootElement.GetProperty("torch");
        // Independent sources: the version the build pinned, and the libtorch package the test host was restored with.
        Assert.Equal(PinnedTorchSharp(), torch.GetProperty("torch_sharp_version").GetString());
        Assert.StartsWith(RestoredLibTorch(), torch.GetProperty("lib_torch_version").GetString());
        Assert.True(torch.GetProperty("threads").GetInt32() >= 1);
        Assert.Equal(home, json.RootElement.GetProperty("home").GetString());
        Assert.Equal("--home", json.RootElement.GetProperty("home_source").GetString());
        Assert.False(Directory.Exists(home)); // info reads nothing there: no database is created

        // Where the system libstdc++ lacks the version (Debian 12), the build must have weakened the need.
        var patch = json.RootElement.GetProperty("native_patch").GetProperty("state").GetString();
        var system = ElfVersionNeeds.SystemLibStdCxx();
        if (system is not null && !ElfVersionNeeds.Defines(system, ElfVersionNeeds.LibTorchSharpNeed))
            Assert.Equal(NativePatchStatus.Applied, patch);
        else
            Assert.NotEqual(NativePatchStatus.NotApplied, patch);
    }

    [Fact]
    public async Task Info_table_names_the_native_patch()
    {
        var result = await CliRunner.RunAsync("info");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("TorchSharp", result.Out);
        Assert.Contains(PinnedTorchSharp(), result.Out);
        Assert.Contains("native patch", result.Out);
    }

    [Fact]
    public async Task Info_names_the_processor_and_the_kernels_libtorch_may_use_on_it()
    {
        var result = await CliRunner.RunAsync("info", "--json");

        Assert.Equal(0, result.ExitCode);
        var processor = JsonDocument.Parse(result.Out).RootElement.GetProperty("processor");
        // Read here independently: the first "model name" and "flags" lines of /proc/cpuinfo.
        var lines = File.ReadAllLines("/proc/cpuinfo");
        var model = lines.First(line => line.StartsWith("model name", StringComparison.Ordinal)).Split(':', 2)[1].Trim();
        var flags = lines.First(line => line.StartsWith("flags", StringComparison.Ordinal)).Split(':', 2)[1].Split(' ');
        var expected = flags.Contains("avx512f") && flags.Contains("avx512bw") && flags.Contains("avx512vl") && flags.Contains("avx512dq") ? "avx512"
            : flags.Contains("avx2") && flags.Contains("fma") ? "avx2" : "default";
        Assert.Equal(model, processor.GetProperty("model").GetString());
        Assert.Equal(expected, processor.GetProperty("vector_instructions").GetString());
        Assert.Equal(ProcessorInfo.KernelVariables.Count(name => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(name))),
            processor.GetProperty("kernel_overrides").EnumerateObject().Count());
    }

    /// <summary>TorchSharp's version as Directory.Packages.props pins it.</summary>
    private static string PinnedTorchSharp()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(folder.FullName, "Directory.Packages.props"))) folder = folder.Parent!;
        var match = System.Text.RegularExpressions.Regex.Match(File.ReadAllText(Path.Combine(folder.FullName, "Directory.Packages.props")),
            "<PackageVersion Include=\"TorchSharp\" Version=\"([^\"]+)\"");
        Assert.True(match.Success);
        return match.Groups[1].Value;
    }

    /// <summary>The libtorch version of the native package this test host was built with (its deps.json).</summary>
    private static string RestoredLibTorch()
    {
        var deps = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "AlpacaFarm.Tests.deps.json"));
        var match = System.Text.RegularExpressions.Regex.Match(deps, "\"libtorch-cpu-linux-x64/([0-9.]+)\"");
        Assert.True(match.Success);
        return match.Groups[1].Value;
    }
}
