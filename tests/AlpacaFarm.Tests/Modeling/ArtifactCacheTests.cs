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

    [Fact]
    public async Task A_second_builder_of_the_same_artifact_waits_for_the_first_and_builds_nothing()
    {
        var cache = new ArtifactCache(_root);
        var key = new ArtifactKey("world-1", "sft", "{}", 3, "sft-trainer/1");
        using var building = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        using var waiting = new ManualResetEventSlim();
        var builds = 0;
        var guard = TimeSpan.FromMinutes(2); // against a hang only: every wait below ends on an event

        var first = Task.Run(() => cache.GetOrCreate(ArtifactKind.Policy, key, folder =>
        {
            Interlocked.Increment(ref builds);
            building.Set();
            Assert.True(release.Wait(guard));
            File.WriteAllText(Path.Combine(folder, "weights.bin"), "first");
        }, null, CancellationToken.None));
        Assert.True(building.Wait(guard));
        var second = Task.Run(() => cache.GetOrCreate(ArtifactKind.Policy, key, _ => Interlocked.Increment(ref builds), () => waiting.Set(), CancellationToken.None));
        Assert.True(waiting.Wait(guard)); // the second found the first's lock held
        release.Set();

        var (a, b) = (await first.WaitAsync(guard), await second.WaitAsync(guard));
        Assert.Equal(1, builds);
        Assert.Equal(a, b);
        Assert.Equal("first", File.ReadAllText(Path.Combine(b.Path, "weights.bin")));
    }

    [Fact]
    public void A_build_folder_a_killed_builder_left_is_removed_when_the_artifact_is_next_built()
    {
        var cache = new ArtifactCache(_root);
        var key = new ArtifactKey("world-1", "sft", "{}", 4, "sft-trainer/1");
        var other = key with { Seed = 5 };
        // What a builder killed mid-build leaves: its private folder, named by key hash, process id and a guid.
        var orphan = Path.Combine(_root, ".building", $"{key.Hash()}-999999-0123456789abcdef0123456789abcdef");
        var unrelated = Path.Combine(_root, ".building", $"{other.Hash()}-999999-fedcba9876543210fedcba9876543210");
        Directory.CreateDirectory(orphan);
        File.WriteAllText(Path.Combine(orphan, "weights.bin"), "half");
        Directory.CreateDirectory(unrelated);
        var builds = 0;

        cache.GetOrCreate(ArtifactKind.Policy, key, folder => Build(folder, ref builds));

        Assert.False(Directory.Exists(orphan));
        Assert.True(Directory.Exists(unrelated)); // another artifact's: its own next build removes it
        Assert.Equal(1, builds);
    }

    private static void Build(string folder, ref int builds)
    {
        builds++;
        File.WriteAllText(Path.Combine(folder, "weights.bin"), $"build {builds}");
    }
}
