namespace AlpacaFarm.Tests.Catalog;

/// <summary>The test plugins the build copied next to the tests, and throw-away copies of them.</summary>
public sealed class TestPluginFolders : IDisposable
{
    public static string Root => Path.Combine(AppContext.BaseDirectory, "test-plugins");

    private readonly string _temp = Directory.CreateTempSubdirectory("alpacafarm-plugins-").FullName;

    public static string Of(string pluginId) => Path.Combine(Root, pluginId);

    /// <summary>A folder of plugin folders, each a copy of a built test plugin under the given name.</summary>
    public string Folder(string name, params (string PluginId, string CopyName)[] plugins)
    {
        var folder = Path.Combine(_temp, name);
        foreach (var (pluginId, copyName) in plugins) Copy(Of(pluginId), Path.Combine(folder, copyName));
        Directory.CreateDirectory(folder);
        return folder;
    }

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    private static void Copy(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
    }
}
