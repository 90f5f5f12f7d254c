using System.Text.Json;
using AlpacaFarm.Leaderboard;

namespace AlpacaFarm.Tests.Runner;

/// <summary>Built-in methods through <c>alpacafarm run</c> on the tiny recipe: rows stored as verified, intermediates in the method's cache.</summary>
[Collection(TorchCollection.Name)]
public sealed class BuiltInMethodRunTests(TinyFarmHome home) : IClassFixture<TinyFarmHome>
{
    [Fact]
    public async Task Expert_iteration_keeps_its_selection_in_the_method_cache_and_records_it_as_a_run_artifact()
    {
        string[] small = ["--set", "expert-iteration.n=2", "--set", "expert-iteration.max_new_tokens=32", "--set", "expert-iteration.epochs=1"];
        var first = await home.Run(["--methods", "expert-iteration", .. small, "--json"]);
        var second = await home.Run(["--methods", "expert-iteration", .. small, "--set", "expert-iteration.learning_rate=1e-3", "--json"]);

        Assert.True(first.ExitCode == 0, first.Error);
        Assert.True(second.ExitCode == 0, second.Error);
        var names = new[] { first, second }.Select(r => JsonDocument.Parse(r.Out).RootElement.GetProperty("rows")[1].GetProperty("name").GetString()!).ToList();
        Assert.Equal(2, names.Distinct().Count()); // two rows: the fine-tunes differ
        // One selection, in cache/expert-iteration/, shared by both runs and recorded as each run's artifact.
        var selection = Assert.Single(Directory.GetDirectories(Path.Combine(home.Path, "cache", "expert-iteration", "demonstrations")));
        using var store = home.Open();
        var runs = store.MethodRuns().Where(run => run.Method == "expert-iteration").ToList();
        Assert.Equal(2, runs.Count);
        Assert.All(runs, run =>
        {
            Assert.Equal(MethodRunStatus.Succeeded, run.Status);
            var artifact = Assert.Single(store.MethodRunArtifacts(run.Id));
            Assert.Equal(("Demonstrations", selection), (artifact.Kind, artifact.Path));
            Assert.Equal("verified", store.FindSubmission(run.BoardId!, run.RowName!)!.Provenance.Mode);
        });
        Assert.Contains("reused from", File.ReadAllText(Path.Combine(runs.First().WorkDirectory, "log.txt")), StringComparison.Ordinal);
    }
}
