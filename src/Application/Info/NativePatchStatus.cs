using AlpacaFarm.Native;

namespace AlpacaFarm.Application.Info;

/// <summary>Whether the build's libLibTorchSharp.so patch (build/NativePatch) was applied here.</summary>
/// <param name="State">applied, not needed, not applied, or not applicable (not Linux).</param>
/// <param name="Library">The libLibTorchSharp.so this process uses, when found.</param>
/// <param name="SystemLibStdCxx">The system libstdc++ the need is checked against.</param>
public sealed record NativePatchStatus(string State, string? Library, string? SystemLibStdCxx)
{
    /// <summary>The loaded library's GLIBCXX_3.4.32 need is marked weak.</summary>
    public const string Applied = "applied";

    /// <summary>The library needs nothing the system lacks.</summary>
    public const string NotNeeded = "not needed";

    /// <summary>The library was not found, or still needs a version the system lacks.</summary>
    public const string NotApplied = "not applied";

    /// <summary>Not Linux: there is no ELF library to patch.</summary>
    public const string NotApplicable = "not applicable";

    /// <summary>Inspects the library mapped into this process (or next to the application) and the system libstdc++.</summary>
    public static NativePatchStatus Inspect()
    {
        if (!OperatingSystem.IsLinux()) return new(NotApplicable, null, null);
        var library = ElfVersionNeeds.MappedLibrary("libLibTorchSharp.so") ?? FindNextToApplication();
        var system = ElfVersionNeeds.SystemLibStdCxx();
        if (library is null) return new(NotApplied, null, system);
        var state = ElfVersionNeeds.Read(library, ElfVersionNeeds.LibTorchSharpNeed) switch
        {
            VersionNeedState.Weak => Applied,
            VersionNeedState.Absent => NotNeeded,
            _ when system is not null && ElfVersionNeeds.Defines(system, ElfVersionNeeds.LibTorchSharpNeed) => NotNeeded,
            _ => NotApplied,
        };
        return new(state, library, system);
    }

    private static string? FindNextToApplication() =>
        new[] { "", "runtimes/linux-x64/native", "runtimes/linux-arm64/native" }
            .Select(folder => Path.Combine(AppContext.BaseDirectory, folder, "libLibTorchSharp.so"))
            .FirstOrDefault(File.Exists);
}
