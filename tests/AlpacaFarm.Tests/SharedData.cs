namespace AlpacaFarm.Tests;

/// <summary>The public AlpacaEval data in ../shared/data beside the repository (never copied into it).</summary>
public static class SharedData
{
    private static readonly Lazy<string?> Root = new(Find);

    /// <summary>Whether the data is there; tests that need it are <see cref="SharedDataFactAttribute"/>s.</summary>
    public static bool Available => Root.Value is not null;

    /// <summary>Why tests that need the data are skipped when it is absent.</summary>
    public static string SkipReason =>
        "needs the AlpacaEval data in ../shared/data beside the repository (or ALPACAFARM_SHARED_DATA); not found";

    /// <summary>Absolute path of a file under shared/data, e.g. "alpaca_eval/gpt4.json".</summary>
    public static string Path(string relative) =>
        System.IO.Path.Combine(Root.Value ?? throw new DirectoryNotFoundException(SkipReason), relative);

    public static string Reference => Path("alpaca_eval/reference_text_davinci_003.json");

    private static string? Find()
    {
        if (Environment.GetEnvironmentVariable("ALPACAFARM_SHARED_DATA") is { Length: > 0 } configured)
            return Directory.Exists(configured) ? configured : null;
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (!File.Exists(System.IO.Path.Combine(folder.FullName, "AlpacaFarm.sln"))) continue;
            var data = System.IO.Path.GetFullPath(System.IO.Path.Combine(folder.FullName, "..", "shared", "data"));
            return Directory.Exists(data) ? data : null;
        }
        return null;
    }
}

/// <summary>A fact that needs ../shared/data: skipped, with the reason, where the data is absent.</summary>
public sealed class SharedDataFactAttribute : FactAttribute
{
    public SharedDataFactAttribute()
    {
        if (!SharedData.Available) Skip = SharedData.SkipReason;
    }
}

/// <summary>A theory that needs ../shared/data: skipped, with the reason, where the data is absent.</summary>
public sealed class SharedDataTheoryAttribute : TheoryAttribute
{
    public SharedDataTheoryAttribute()
    {
        if (!SharedData.Available) Skip = SharedData.SkipReason;
    }
}
