using System.Reflection;
using System.Runtime.Loader;
using AlpacaFarm.Abstractions.Artifacts;
using AlpacaFarm.Abstractions.Compute;
using AlpacaFarm.Abstractions.Methods;
using AlpacaFarm.Abstractions.Policies;
using AlpacaFarm.Abstractions.Preferences;
using AlpacaFarm.Abstractions.Randomness;
using AlpacaFarm.Modeling.Checkpoints;
using AlpacaFarm.Modeling.Data;
using AlpacaFarm.Modeling.Policies;
using AlpacaFarm.Modeling.Runtime;
using AlpacaFarm.Modeling.Scoring;
using AlpacaFarm.Modeling.Tokenization;
using AlpacaFarm.Modeling.Training;
using AlpacaFarm.Catalog;
using AlpacaFarm.Tests.Methods;
using AlpacaFarm.Tests.Modeling;
using TorchSharp;

namespace AlpacaFarm.Tests.Catalog;

/// <summary>
/// A plugin written against the modeling SDK (tests/TestPlugins/Sdk), loaded through the catalog and run by hand: it
/// trains on the host's one TorchSharp and hands back a policy of the host's own type.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class SdkPluginTests : IDisposable
{
    private const long Seed = 7;
    private const int BatchSize = 4;

    private readonly TorchScratch _scratch = new("alpacafarm-sdk-plugin-");

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public async Task A_plugin_method_trains_a_step_with_the_shared_loop_on_the_hosts_one_torchsharp_and_returns_a_saved_policy()
    {
        var tokenizer = TinyWorld.Tokenizer();
        using var sft = TinyWorld.Model(tokenizer, seed: 5);
        var sftHandle = Checkpoint.SavePolicy(sft, tokenizer, _scratch.Path("sft"), "test/1");
        using var reward = new RewardModel(TinyWorld.Config(tokenizer), TorchSeeding.Generator("test-init", "sdk-plugin", 1));
        var rewardHandle = Checkpoint.SaveRewardModel(reward, tokenizer, _scratch.Path("rm"), "test/1");
        // Eight pairs, each example twice: its response is preferred over the next example's (preference 2 puts it second).
        var examples = Enumerable.Range(0, 8).Select(i => TinyWorld.Examples[i % TinyWorld.Examples.Length]).ToArray();
        var rows = examples.Select((e, i) => i % 2 == 0
            ? new LabelledPair(e.Instruction, e.Response, examples[(i + 1) % examples.Length].Response, 1, "test", 0, 0)
            : new LabelledPair(e.Instruction, examples[(i + 1) % examples.Length].Response, e.Response, 2, "test", 0, 0)).ToList();
        PreferencePairs.Write(_scratch.Path("pairs"), rows, "test");
        var pairsHandle = ArtifactHandle.ForFolder(ArtifactKind.PreferenceData, _scratch.Path("pairs"), PreferencePairs.CodeVersion);

        var catalog = PluginCatalog.Load([TestPluginFolders.Of("test-sdk")], builtInFolder: _scratch.Path("no-built-ins"));
        var method = catalog.CreateMethod("test-sdk-sft");
        var reporter = new RecordingReporter();
        var work = _scratch.Path("work");
        var spec = new MethodRunSpec("sdk-run", sftHandle, rewardHandle, pairsHandle, new DataSplits([], [], []),
            new ComputeResources("cpu", 1, 1L << 30), method.Descriptor.Defaults, Seed, work, _scratch.Path("cache"));

        var policy = await method.RunAsync(new MethodContext(spec, new NoLabels(), reporter), CancellationToken.None);

        // One step, on the batch the keyed order puts first over both outputs of every pair (output 1, then output 2, pair by
        // pair); its loss is the SFT model's on that batch before the update.
        var texts = rows.SelectMany(row => new[] { (row.Instruction, Response: row.Output1), (row.Instruction, Response: row.Output2) }).ToArray();
        var order = Enumerable.Range(0, texts.Length).ToArray();
        KeyedRandom.Create("test-sdk-sft-order", "epoch 0", Seed).Shuffle(order);
        var first = order.Take(BatchSize).Select(i => texts[i]).ToArray();
        float expectedLoss;
        using (torch.NewDisposeScope())
        using (torch.no_grad())
        {
            var batch = SequenceBatch.Build([.. first.Select(e => PromptFormat.Prompt(tokenizer, e.Instruction))],
                [.. first.Select(e => PromptFormat.Response(tokenizer, e.Response))], tokenizer.PadId, torch.CPU);
            expectedLoss = SftTrainer.Loss(sft, batch).item<float>();
        }
        var progress = Assert.Single(reporter.Progress);
        Assert.Equal(("policy", 1, 1), (progress.Stage, progress.Step, progress.TotalSteps));
        Assert.Equal(expectedLoss, progress.Metrics["loss"], 5);
        Assert.Equal(1e-3, progress.Metrics["learning_rate"], 12); // 5 % warm-up of one step rounds to none: the step runs at the peak
        Assert.Contains(reporter.Logs, log => log.StartsWith("mean reward of the outputs before training", StringComparison.Ordinal));

        // The policy is the host's own type, saved in the work directory, and the step changed the weights.
        using var trained = Assert.IsType<TorchPolicy>(policy);
        var saved = Assert.Single(trained.Dependencies);
        Assert.Equal((ArtifactKind.Policy, Path.Combine(work, "policy"), "test-sdk-sft/1"), (saved.Kind, saved.Path, saved.CodeVersion));
        Assert.True(saved.IsIntact());
        Assert.NotEqual(FileHash(sftHandle, Checkpoint.WeightsFile), FileHash(saved, Checkpoint.WeightsFile));
        var outputs = await policy.GenerateAsync(new GenerationRequest(["What does the cow eat?", "List two animals."], new DecodingOptions(1, 1, 6, 3)), CancellationToken.None);
        Assert.Equal(2, outputs.Outputs.Count);

        // One TorchSharp and one SDK in the process, both the host's; the plugin's own assembly lives in its own context.
        var loaded = AppDomain.CurrentDomain.GetAssemblies().Select(a => a.GetName().Name).ToList();
        Assert.Equal(1, loaded.Count(name => name == "TorchSharp"));
        Assert.Equal(1, loaded.Count(name => name == "AlpacaFarm.Modeling"));
        var pluginContext = AssemblyLoadContext.GetLoadContext(method.GetType().Assembly)!;
        Assert.NotSame(AssemblyLoadContext.Default, pluginContext);
        Assert.Same(AssemblyLoadContext.Default, AssemblyLoadContext.GetLoadContext(typeof(torch).Assembly));
        Assert.Same(typeof(torch).Assembly, pluginContext.LoadFromAssemblyName(new AssemblyName("TorchSharp")));
        Assert.Same(typeof(TrainingLoop).Assembly, pluginContext.LoadFromAssemblyName(new AssemblyName("AlpacaFarm.Modeling")));
    }

    [Fact]
    public void The_sdk_plugins_folder_holds_neither_torchsharp_nor_the_sdk()
    {
        var files = Directory.EnumerateFiles(TestPluginFolders.Of("test-sdk"), "*", SearchOption.AllDirectories).Select(Path.GetFileName).ToList();

        Assert.Contains("AlpacaFarm.TestPlugins.Sdk.dll", files);
        Assert.DoesNotContain(files, file => file!.StartsWith("TorchSharp", StringComparison.Ordinal));
        Assert.DoesNotContain(files, file => file!.EndsWith(".so", StringComparison.Ordinal));
        Assert.DoesNotContain("AlpacaFarm.Modeling.dll", files);
        Assert.DoesNotContain("AlpacaFarm.Abstractions.dll", files);
    }

    private static string FileHash(ArtifactHandle handle, string file) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(Path.Combine(handle.Path, file))));
}
