using AlpacaFarm.Abstractions.Artifacts;
using AlpacaFarm.Modeling.Checkpoints;

namespace AlpacaFarm.Tests.Modeling;

public sealed class ArtifactCacheTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("alpacafarm-cache-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void The_same_key_is_built_once_and_reused()
    {
        var cache = new ArtifactCache(_root);
        var key = new ArtifactKey("world-1", "sft", """{"depth":2}""", 7, "sft-trainer/1");
        var builds = 0;

        var first = cache.GetOrCreate(ArtifactKind.Policy, key, folder => Build(folder, ref builds));
        var second = cache.GetOrCreate(ArtifactKind.Policy, key, folder => Build(folder, ref builds));

        Assert.Equal(1, builds);
        Assert.Equal(first, second);
        Assert.Equal(cache.FolderFor(ArtifactKind.Policy, key), first.Path);
        Assert.Equal("sft-trainer/1", first.CodeVersion);
        Assert.True(first.IsIntact());
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(_root, ".building")));
    }

    [Fact]
    public void A_changed_code_version_or_any_other_key_part_builds_a_new_artifact()
    {
        var cache = new ArtifactCache(_root);
        var key = new ArtifactKey("world-1", "sft", """{"depth":2}""", 7, "sft-trainer/1");
        var builds = 0;
        var original = cache.GetOrCreate(ArtifactKind.Policy, key, folder => Build(folder, ref builds));

        var rebuilt = cache.GetOrCreate(ArtifactKind.Policy, key with { CodeVersion = "sft-trainer/2" }, folder => Build(folder, ref builds));
        foreach (var other in new[] { key with { WorldVersion = "world-2" }, key with { Split = "rm" }, key with { ConfigJson = "{}" }, key with { Seed = 8 } })
            cache.GetOrCreate(ArtifactKind.Policy, other, folder => Build(folder, ref builds));

        Assert.Equal(6, builds);
        Assert.NotEqual(original.Path, rebuilt.Path);
        Assert.Equal("sft-trainer/2", rebuilt.CodeVersion);
        Assert.True(Directory.Exists(original.Path));
    }

    [Fact]
    public void A_failed_build_leaves_nothing_behind()
    {
        var cache = new ArtifactCache(_root);
        var key = new ArtifactKey("world-1", "rm", "{}", 1, "reward-trainer/1");

        Assert.Throws<InvalidOperationException>(() => cache.GetOrCreate(ArtifactKind.RewardModel, key, _ => throw new InvalidOperationException("boom")));

        Assert.Null(cache.TryGet(ArtifactKind.RewardModel, key));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(_root, ".building")));
    }

    private static void Build(string folder, ref int builds)
    {
        builds++;
        File.WriteAllText(Path.Combine(folder, "weights.bin"), $"build {builds}");
    }
}
