namespace AlpacaFarm.Tests;

/// <summary>The public AlpacaEval data in ../shared/data beside the repository (never copied into it).</summary>
public static class SharedData
{
    private static readonly Lazy<string> Root = new(Find);

    /// <summary>Absolute path of a file under shared/data, e.g. "alpaca_eval/gpt4.json".</summary>
    public static string Path(string relative) => System.IO.Path.Combine(Root.Value, relative);

    public static string Reference => Path("alpaca_eval/reference_text_davinci_003.json");

    private static string Find()
    {
        if (Environment.GetEnvironmentVariable("ALPACAFARM_SHARED_DATA") is { Length: > 0 } configured) return configured;
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (!File.Exists(System.IO.Path.Combine(folder.FullName, "AlpacaFarm.sln"))) continue;
            var data = System.IO.Path.GetFullPath(System.IO.Path.Combine(folder.FullName, "..", "shared", "data"));
            if (Directory.Exists(data)) return data;
            throw new DirectoryNotFoundException($"shared data not found at {data}; set ALPACAFARM_SHARED_DATA");
        }
        throw new DirectoryNotFoundException("repository root (AlpacaFarm.sln) not found above the test binaries");
    }
}
