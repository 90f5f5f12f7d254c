using System.Diagnostics;
using System.Reflection;
using AlpacaFarm.Native;

namespace AlpacaFarm.Tests.Native;

/// <summary>The build's libLibTorchSharp.so patch, on a temporary copy of the pristine library from the package cache.</summary>
public sealed class ElfVersionNeedsTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("alpacafarm-elf-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Pristine_library_requires_the_version_and_the_patch_makes_it_weak_once()
    {
        var copy = CopyPristine();

        Assert.Equal(VersionNeedState.Required, ElfVersionNeeds.Read(copy, ElfVersionNeeds.LibTorchSharpNeed));
        Assert.True(ElfVersionNeeds.MarkWeak(copy, ElfVersionNeeds.LibTorchSharpNeed));
        Assert.Equal(VersionNeedState.Weak, ElfVersionNeeds.Read(copy, ElfVersionNeeds.LibTorchSharpNeed));
        var patched = File.ReadAllBytes(copy);
        Assert.False(ElfVersionNeeds.MarkWeak(copy, ElfVersionNeeds.LibTorchSharpNeed)); // idempotent
        Assert.Equal(patched, File.ReadAllBytes(copy));
        Assert.Equal(VersionNeedState.Absent, ElfVersionNeeds.Read(copy, "GLIBCXX_9.9.99"));
    }

    [Fact]
    public void Patch_changes_exactly_one_byte()
    {
        var copy = CopyPristine();
        var before = File.ReadAllBytes(copy);

        ElfVersionNeeds.MarkWeak(copy, ElfVersionNeeds.LibTorchSharpNeed);

        var after = File.ReadAllBytes(copy);
        Assert.Equal(before.Length, after.Length);
        Assert.Single(Enumerable.Range(0, before.Length), i => before[i] != after[i]);
    }

    [Fact]
    public void Patch_never_writes_through_a_hard_link()
    {
        var copy = CopyPristine();
        var link = Path.Combine(_folder, "linked.so");
        using (var ln = Process.Start("ln", [copy, link])) ln.WaitForExit();

        ElfVersionNeeds.MarkWeak(link, ElfVersionNeeds.LibTorchSharpNeed);

        Assert.Equal(VersionNeedState.Weak, ElfVersionNeeds.Read(link, ElfVersionNeeds.LibTorchSharpNeed));
        Assert.Equal(VersionNeedState.Required, ElfVersionNeeds.Read(copy, ElfVersionNeeds.LibTorchSharpNeed));
    }

    [Fact]
    public void Not_an_elf_file_is_refused_with_its_path()
    {
        var text = Path.Combine(_folder, "not-elf.so");
        File.WriteAllText(text, new string('x', 100));

        var error = Assert.Throws<InvalidDataException>(() => ElfVersionNeeds.Read(text, "GLIBCXX_3.4.32"));
        Assert.Contains(text, error.Message);
    }

    [Fact]
    public void Built_output_library_is_loadable_here()
    {
        var output = Path.Combine(AppContext.BaseDirectory, "libLibTorchSharp.so");
        Assert.True(File.Exists(output), $"{output} is missing: the RID should put natives in the output root");
        var system = ElfVersionNeeds.SystemLibStdCxx();
        Assert.NotNull(system);
        var state = ElfVersionNeeds.Read(output, ElfVersionNeeds.LibTorchSharpNeed);
        if (ElfVersionNeeds.Defines(system, ElfVersionNeeds.LibTorchSharpNeed))
            Assert.NotEqual(VersionNeedState.Absent, state); // untouched where not needed
        else
            Assert.Equal(VersionNeedState.Weak, state);
    }

    [Fact]
    public void Package_cache_copy_is_never_patched()
    {
        Assert.Equal(VersionNeedState.Required, ElfVersionNeeds.Read(PristinePath(), ElfVersionNeeds.LibTorchSharpNeed));
    }

    private string CopyPristine()
    {
        var copy = Path.Combine(_folder, "libLibTorchSharp.so");
        File.Copy(PristinePath(), copy);
        return copy;
    }

    private static string PristinePath()
    {
        var root = typeof(ElfVersionNeedsTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "NuGetPackageRoot").Value!;
        var version = typeof(TorchSharp.torch).Assembly.GetName().Version!;
        var path = Path.Combine(root, "torchsharp", $"{version.Major}.{version.Minor}.{version.Build}",
            "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        Assert.True(File.Exists(path), $"pristine library not found at {path}");
        return path;
    }
}
