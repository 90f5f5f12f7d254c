using System.Diagnostics;
using System.IO.Compression;

namespace AlpacaFarm.Tests.Native;

/// <summary>
/// The native patch is a package of its own (build/NativePatch): packed, it carries the targets and the C# they compile in
/// buildTransitive/, so any project that restores TorchSharp's natives, in this repository or outside it, can import it; and
/// it brings no assembly or dependency along.
/// </summary>
public sealed class NativePatchPackageTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("alpacafarm-native-pack-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Packing_gives_a_build_only_package_with_the_targets_and_their_source()
    {
        var project = Path.Combine(RepositoryRoot(), "build", "NativePatch", "AlpacaFarm.NativePatch.csproj");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "pack", project, "-o", _folder, "-p:BaseIntermediateOutputPath=" + Path.Combine(_folder, "obj") + "/" })
            start.ArgumentList.Add(argument);
        using var pack = Process.Start(start)!;
        var (output, error) = (pack.StandardOutput.ReadToEndAsync(), pack.StandardError.ReadToEndAsync());
        await pack.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(5));
        Assert.True(pack.ExitCode == 0, await output + await error);

        using var package = ZipFile.OpenRead(Directory.EnumerateFiles(_folder, "AlpacaFarm.NativePatch.*.nupkg").Single());
        var entries = package.Entries.Select(entry => entry.FullName).ToList();
        Assert.Contains("buildTransitive/AlpacaFarm.NativePatch.targets", entries);
        Assert.Contains("buildTransitive/ElfVersionNeeds.cs", entries);
        Assert.DoesNotContain(entries, entry => entry.StartsWith("lib/", StringComparison.Ordinal));
        using var nuspec = new StreamReader(package.Entries.Single(entry => entry.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open());
        Assert.DoesNotContain("<dependency ", await nuspec.ReadToEndAsync());
    }

    private static string RepositoryRoot()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(folder.FullName, "AlpacaFarm.sln"))) folder = folder.Parent!;
        return folder.FullName;
    }
}
