using System.Security.Cryptography;

namespace AlpacaFarm.Tests.Cli;

/// <summary>
/// The same command in two processes makes the same bytes on one machine: the tiny recipe's SFT policy, pairs and reward
/// model, trained by two child processes into two homes. (Across machines they differ in the last bits; see
/// TrainerGoldenLossTests.)
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class TwoProcessDeterminismTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("alpacafarm-two-processes-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task Two_processes_train_the_same_tiny_reward_model_pipeline_bit_for_bit()
    {
        var homes = new[] { Path.Combine(_root, "a"), Path.Combine(_root, "b") };
        foreach (var home in homes)
        {
            using var child = ChildCli.Start("reward-model", "--recipe", "tiny", "--threads", "1", "--home", home);
            var result = await child.ExitAsync();
            Assert.True(result.ExitCode == 0, result.Error);
        }

        var first = Files(homes[0]);
        Assert.Contains(first.Keys, file => file.StartsWith("artifacts/rewardmodel/", StringComparison.Ordinal) && file.EndsWith("/weights.bin", StringComparison.Ordinal));
        Assert.Equal(first, Files(homes[1]));
    }

    // Every artifact file by its path under the home, with its SHA-256.
    private static SortedDictionary<string, string> Files(string home) =>
        new(Directory.EnumerateFiles(Path.Combine(home, "artifacts"), "*", SearchOption.AllDirectories)
            .Where(file => !file.Contains("/.locks/", StringComparison.Ordinal))
            .ToDictionary(file => Path.GetRelativePath(home, file), file => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(file)))),
            StringComparer.Ordinal);
}
