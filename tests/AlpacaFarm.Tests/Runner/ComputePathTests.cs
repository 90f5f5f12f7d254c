using System.Globalization;
using AlpacaFarm.Modeling.Runtime;
using AlpacaFarm.Tests.Cli;
using TorchSharp;

namespace AlpacaFarm.Tests.Runner;

/// <summary>
/// The device and thread count a command is given reach every model it builds: SFT, the pairs' sampling, the reward model,
/// evaluations, and each method's models. Every placement of a model on its device is recorded (TorchDevice.Record) with
/// libtorch's thread count at that moment; the count given differs from the one the process had, so a stage that kept the
/// process's would show.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class ComputePathTests : IDisposable
{
    private readonly string _home = Directory.CreateTempSubdirectory("alpacafarm-compute-").FullName;

    public void Dispose() => Directory.Delete(_home, recursive: true);

    [Fact]
    public async Task The_device_and_threads_a_command_was_given_reach_every_model_it_builds()
    {
        var before = torch.get_num_threads();
        var given = (before == 1 ? 2 : 1).ToString(CultureInfo.InvariantCulture);
        try
        {
            var sft = await Stage("sft", "--recipe", "tiny", "--threads", given, "--home", _home);
            var reward = await Stage("reward-model", "--recipe", "tiny", "--threads", given, "--home", _home);
            var evaluation = await Stage("evaluate", "--policy", "sft", "--recipe", "tiny", "--threads", given, "--home", _home);
            var run = await Stage("run", "--recipe", "tiny", "--threads", given, "--eval-split", "validation", "--home", _home, "--methods", "dpo,ppo",
                "--set", "ppo.total_steps=2", "--set", "ppo.warmup_steps=0", "--set", "ppo.rollout_batch_size=8", "--set", "ppo.step_batch_size=8",
                "--set", "ppo.max_new_tokens=8");

            Assert.Equal(["CausalTransformer"], sft.Select(p => p.Module));                       // the SFT policy it trains
            Assert.Equal(["CausalTransformer", "CausalTransformer", "RewardModel"], reward.Select(p => p.Module)); // sampling, backbone, reward model
            Assert.Equal(["CausalTransformer"], evaluation.Select(p => p.Module));                // the policy it generates with
            // The validation baseline; DPO's policy, reference and returned policy; PPO's policy, reference, reward model, value
            // model and returned policy.
            Assert.Equal(["CausalTransformer", "CausalTransformer", "CausalTransformer", "CausalTransformer", "CausalTransformer", "CausalTransformer",
                "RewardModel", "CausalTransformer", "CausalTransformer"], run.Select(p => p.Module));
            Assert.All(sft.Concat(reward).Concat(evaluation).Concat(run), placement =>
                Assert.Equal(("cpu", int.Parse(given, CultureInfo.InvariantCulture)), (placement.Device, placement.Threads)));
        }
        finally
        {
            torch.set_num_threads(before);
        }
    }

    private static async Task<List<Placement>> Stage(params string[] args)
    {
        var placements = new List<Placement>();
        using (TorchDevice.Record(placements))
        {
            var result = await CliRunner.RunAsync(args);
            Assert.True(result.ExitCode == 0, $"{args[0]}: {result.Error}");
        }
        return placements;
    }
}
