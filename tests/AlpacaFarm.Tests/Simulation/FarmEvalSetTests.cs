using System.Security.Cryptography;
using AlpacaFarm.Evaluation.Sets;
using AlpacaFarm.Simulation;

namespace AlpacaFarm.Tests.Simulation;

public sealed class FarmEvalSetTests
{
    [Fact]
    public void The_committed_file_matches_its_checksum_and_loads_805_rows_with_gold_metadata()
    {
        var bytes = FarmEvalSet.ReadCommittedBytes();
        Assert.Equal(FarmEvalSet.ExpectedSha256, Convert.ToHexStringLower(SHA256.HashData(bytes)));

        IEvaluationSet set = FarmEvalSet.Load();
        Assert.Equal("farm", set.Id);
        Assert.Equal($"farm eval-805 ({FarmWorld.WorldVersion})", set.Name);
        Assert.Equal("farm-reference", set.ReferenceGenerator);
        Assert.Equal(805, set.Items.Count);
        Assert.Equal(805, set.Items.Select(i => i.Instruction).Distinct().Count());
        var farm = FarmEvalSet.Load().FarmItems;
        Assert.All(farm, item => Assert.Equal(Math.Round(FarmGold.Score(item.Instruction, item.ReferenceOutput), 4), item.ReferenceGoldScore));
        Assert.Equal(FarmFamilies.All.Order(), farm.Select(i => i.Family).Distinct().Order());
        var tokens = farm.Select(i => FarmText.Tokenize(i.ReferenceOutput).Count).ToList();
        Assert.InRange(tokens.Average(), 15, 60);
    }

    [Fact]
    public void Regenerating_from_the_seed_is_byte_identical()
    {
        Assert.Equal(FarmEvalSet.ReadCommittedBytes(), FarmWorld.GenerateEvalFile());
        Assert.NotEqual(FarmEvalSet.ReadCommittedBytes(), FarmWorld.GenerateEvalFile(seed: FarmWorld.DefaultSeed + 1));
    }

    [Fact]
    public void The_file_reads_as_an_alpaca_eval_reference_file()
    {
        var path = Path.Combine(Path.GetTempPath(), $"farm-eval-{Guid.NewGuid():N}.json");
        try
        {
            File.WriteAllBytes(path, FarmEvalSet.ReadCommittedBytes());
            var set = ReferenceFileSet.Load(path);
            Assert.Equal(FarmEvalSet.Load().ReferenceSha256, set.ReferenceSha256);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
