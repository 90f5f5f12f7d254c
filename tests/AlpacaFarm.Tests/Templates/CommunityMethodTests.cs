using AlpacaFarm.Tests.Sandbox;

namespace AlpacaFarm.Tests.Templates;

/// <summary>
/// The methods under community/ (RLOO, GRPO, KTO), made from the template: copied outside the repository with a freshly
/// packed feed beside them, built against that feed alone, and their own tests run (unit tests, then a tiny-recipe submit
/// of each through this build's CLI).
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class CommunityMethodTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("alpacafarm-community-").FullName;

    [SandboxFact]
    public async Task The_community_methods_build_against_the_packed_feed_and_pass_their_own_tests()
    {
        var root = ChildProcesses.RepositoryRoot();
        var copy = Path.Combine(_folder, "community");
        CopySources(Path.Combine(root, "community"), copy);
        var children = new ChildProcesses(_folder);

        // community/nuget.config's feed is community/.feed, as in the repository.
        await children.Run("bash", Path.Combine(root, "templates", "pack-feed.sh"), Path.Combine(copy, ".feed"));
        await children.Run("dotnet", "build", Path.Combine(copy, "Community.slnx"), "-c", "Release");
        var tests = await children.Run("dotnet", "test", Path.Combine(copy, "Community.slnx"), "-c", "Release", "--no-build");

        foreach (var (method, count) in new[] { ("Grpo", 4), ("Kto", 5), ("Rloo", 3) })
        {
            Assert.Contains($"Passed!  - Failed:     0, Passed:     {count}, Skipped:     0, Total:     {count}", tests);
            var plugin = Path.Combine(copy, method, method, "bin", "Release", "net10.0");
            Assert.Equal([$"{method}.dll"], Directory.EnumerateFiles(plugin, "*.dll").Select(Path.GetFileName));
        }
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    // The sources alone: no build output, no feed.
    private static void CopySources(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        foreach (var folder in Directory.EnumerateDirectories(from).Where(f => Path.GetFileName(f) is not ("bin" or "obj" or ".feed")))
            CopySources(folder, Path.Combine(to, Path.GetFileName(folder)));
    }
}
