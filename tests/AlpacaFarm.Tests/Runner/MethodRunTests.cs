using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using AlpacaFarm.Leaderboard;
using AlpacaFarm.Runner.Configuration;
using AlpacaFarm.Runner.Evaluation;
using AlpacaFarm.Runner.Farm;
using AlpacaFarm.Runner.Methods;
using AlpacaFarm.Tests.Cli;

namespace AlpacaFarm.Tests.Runner;

/// <summary>Runs that succeed: row names, provenance, labels counted, a stored run found again, and a cancelled run.</summary>
[Collection(TorchCollection.Name)]
public sealed class MethodRunTests(TinyFarmHome home) : IClassFixture<TinyFarmHome>
{
    [Fact]
    public async Task A_row_is_named_after_method_recipe_seed_and_its_non_default_hyperparameters_and_carries_its_provenance()
    {
        var result = await home.Run("--methods", "test-echo", "--plugins", TinyFarmHome.Good, "--trust", "--set", "test-echo.prefix=echo", "--json");

        Assert.True(result.ExitCode == 0, result.Error);
        // The suffix is the first 8 hex digits of SHA-256 over the sorted non-default overrides as JSON.
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("{\"prefix\":\"echo\"}")))[..8];
        var name = $"test-echo-tiny-s0-h{hash}";
        var rows = JsonDocument.Parse(result.Out).RootElement.GetProperty("rows");
        Assert.Equal(["sft-tiny-s0", name], rows.EnumerateArray().Select(row => row.GetProperty("name").GetString()));
        using var store = home.Open();
        var run = store.MethodRuns().First(r => r.Method == "test-echo");
        var row = store.FindSubmission(run.BoardId!, name)!;
        var p = row.Provenance;
        Assert.Equal(("method", "test-good", "1.0.0", "test-echo", "1.0.0", "community"), (p.Kind, p.PluginId, p.PluginVersion, p.MethodId, p.MethodVersion, p.Mode));
        Assert.Equal(AlpacaFarm.Abstractions.Artifacts.ArtifactHandle.HashFolder(TinyFarmHome.Good), p.PluginSha256);
        Assert.Equal(new Dictionary<string, string> { ["prefix"] = "echo" }, p.Hyperparameters);
        Assert.Equal((0L, "farm-3"), (p.Seed, p.World));
        Assert.Equal("0.7", p.Decoding["temperature"]);
        Assert.Equal("0.9", p.Decoding["top_p"]);
        var sft = store.FindSubmission(run.BoardId!, "sft-tiny-s0")!;
        Assert.Equal(sft.Provenance.FileSha256, p.Run!["sft_sha256"]);
        Assert.Equal(run.RunKey, p.Run["run_key"]);
        foreach (var key in new[] { "preference_data_sha256", "reward_model_sha256", "labels_used", "method_seconds", "threads", "libtorch", "recipe", "processor" })
            Assert.True(p.Run.ContainsKey(key), key);
        Assert.Equal(AlpacaFarm.Modeling.Runtime.ProcessorInfo.Describe().ToString(), p.Run["processor"]);
        Assert.Equal(("tiny", "1", "0"), (p.Run["recipe"], p.Run["threads"], p.Run["labels_used"]));
        Assert.Equal("verified", sft.Provenance.Mode);
        // The echo policy answers with the instruction itself: every stored output is its instruction with the prefix.
        Assert.All(store.Outputs(row.Id), output => Assert.Equal("echo: " + output.Instruction, output.Output));
    }

    [Fact]
    public async Task Labels_a_method_asked_for_are_counted_and_a_stored_run_is_not_run_again()
    {
        var runs = home.Runs();
        var first = runs.Last(run => run.Method == "test-labels"); // the fixture's run

        var again = await home.Run("--methods", "test-labels", "--plugins", TinyFarmHome.Misbehaving, "--trust", "--json");

        Assert.True(again.ExitCode == 0, again.Error);
        Assert.Equal((MethodRunStatus.Succeeded, 3, "test-labels-tiny-s0"), (first.Status, first.LabelsUsed, first.RowName));
        using (var store = home.Open())
        {
            var artifact = Assert.Single(store.MethodRunArtifacts(first.Id));
            var sft = store.FindSubmission(first.BoardId!, "sft-tiny-s0")!.Provenance.FileSha256;
            Assert.Equal((0, "policy at step 0", "Policy", sft), (artifact.Step, artifact.Label, artifact.Kind, artifact.ContentSha256));
        }
        var row = JsonDocument.Parse(again.Out).RootElement.GetProperty("rows")[1];
        Assert.True(row.GetProperty("reused").GetBoolean());
        Assert.Equal(runs.Count, home.Runs().Count); // nothing ran
        Assert.Contains("test-labels", (await CliRunner.RunAsync("runs", "--home", home.Path)).Out);
    }

    [Fact]
    public async Task A_row_stored_by_another_run_is_refused_before_the_method_starts_unless_replace_is_given()
    {
        string[] echo = ["--methods", "test-echo", "--plugins", TinyFarmHome.Good, "--trust"];
        var stored = await home.Run([.. echo, "--json"]);
        var runs = home.Runs().Count;

        // Another label budget is another run key with the same row name.
        var refused = await home.Run([.. echo, "--label-budget", "7"]);
        var replaced = await home.Run([.. echo, "--label-budget", "7", "--replace"]);

        Assert.True(stored.ExitCode == 0, stored.Error);
        Assert.NotEqual(0, refused.ExitCode);
        var name = JsonDocument.Parse(stored.Out).RootElement.GetProperty("rows")[1].GetProperty("name").GetString()!;
        Assert.Equal($"error: method 'test-echo': row '{name}' already holds another run's result on this board", refused.Error.Trim().Split('\n')[^1].Split(" (")[0]);
        Assert.EndsWith("pass --replace to replace it, or change --seed or a hyperparameter", refused.Error.Trim());
        Assert.True(replaced.ExitCode == 0, replaced.Error);
        Assert.Equal(runs + 1, home.Runs().Count); // the refused run never started; the replacing one did
        var latest = home.Runs()[0];
        Assert.Equal((MethodRunStatus.Succeeded, name), (latest.Status, latest.RowName));
        Assert.Contains(name, home.Rows().Keys);
    }

    [Fact]
    public async Task A_cancelled_run_is_recorded_as_cancelled_and_stores_no_row()
    {
        var rows = home.Rows();
        using var cancel = new CancellationTokenSource();
        var plan = MethodRunner.Plan(new MethodRunRequest(["test-wait", "test-labels"], new Dictionary<string, IReadOnlyDictionary<string, string>>(), 0, "tiny",
            Compute.For("cpu", 1), PluginFolders: [TinyFarmHome.Misbehaving], Trust: true, EvalSplit: MethodRunRequest.Validation));
        // The barrier: the method's first progress report (it reports, then waits on its token) cancels the run.
        var progress = new Synchronous(stage => { if (stage.Stage.StartsWith("test-wait:", StringComparison.Ordinal)) cancel.Cancel(); });

        MethodRunReport report;
        using (var store = home.Open())
        {
            var scorer = new SubmissionScorer(store);
            var homeFolder = new AlpacaFarmHome(home.Path, "--home");
            var runner = new MethodRunner(new FarmModels(homeFolder, store), new PolicyEvaluation(scorer, homeFolder), store, homeFolder);
            report = await runner.RunAsync(plan, progress, cancel.Token);
        }

        var outcome = Assert.Single(report.Methods); // test-labels never started
        Assert.Equal((MethodRunStatus.Cancelled, "method 'test-wait' was cancelled"), (outcome.Status, outcome.Reason));
        Assert.Equal(("test-wait", MethodRunStatus.Cancelled), (home.Runs()[0].Method, home.Runs()[0].Status));
        Assert.Equal(rows, home.Rows());
    }

    private sealed class Synchronous(Action<TrainingStage> report) : IProgress<TrainingStage>
    {
        public void Report(TrainingStage value) => report(value);
    }
}
