using System.Diagnostics;
using System.Text;
using AlpacaFarm.Catalog;

namespace AlpacaFarm.Tests.Architecture;

/// <summary>
/// A plugin folder's hash and the SDK's are part of every run key, so the assemblies' bytes must depend on their sources
/// only: no commit id (the SDK appends one to the informational version by default) and no checkout path (PDB paths),
/// or every commit and every clone would be a new run of every method and refuse the rows stored before.
/// </summary>
public sealed class ReproducibleBuildTests
{
    private static IEnumerable<string> Assemblies() =>
        Directory.EnumerateFiles(PluginCatalog.BuiltInFolder, "AlpacaFarm.Plugins.*.dll", SearchOption.AllDirectories)
            .Concat(new[] { "AlpacaFarm.Modeling.dll", "AlpacaFarm.Abstractions.dll" }.Select(name => Path.Combine(AppContext.BaseDirectory, name)));

    [Fact]
    public void Built_assemblies_carry_neither_the_commit_nor_the_checkout_path()
    {
        var checkout = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../.."));
        Assert.True(File.Exists(Path.Combine(checkout, "AlpacaFarm.sln")), checkout);
        var files = Assemblies().ToList();
        Assert.True(files.Count >= 8, string.Join(", ", files)); // six plugins, the SDK and the contract

        foreach (var file in files)
        {
            // The product version is the informational version.
            var version = FileVersionInfo.GetVersionInfo(file).ProductVersion;
            Assert.False(version is null || version.Contains('+'), $"{file}: informational version '{version}'");
            var bytes = File.ReadAllBytes(file);
            Assert.False(Contains(bytes, Encoding.UTF8.GetBytes(checkout.TrimEnd('/'))), $"{file} holds the checkout path {checkout}");
        }
    }

    private static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;
}
