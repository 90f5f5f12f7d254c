using AlpacaFarm.Simulation;

namespace AlpacaFarm.Tests.Simulation;

/// <summary>The "done when" numbers, measured once on the calibration set.</summary>
public sealed class FarmStatsFixture
{
    public FarmStatsReport Report { get; } = FarmStats.MeasureAsync(FarmCalibration.Build(), FarmWorld.DefaultSeed).GetAwaiter().GetResult();
}

public sealed class FarmStatsTests(FarmStatsFixture fixture) : IClassFixture<FarmStatsFixture>
{
    private FarmStatsReport Report => fixture.Report;

    private FarmVariantStats Variant(string name) => Report.Variants.Single(v => v.Variant == name);

    [Fact]
    public void Human_human_agreement_is_66_plus_or_minus_3()
    {
        Assert.Equal(805 * 5, Report.Pairs);
        Assert.InRange(Report.HumanHumanAgreement, 63, 69);
    }

    [Fact]
    public void Pool_human_agreement_is_65_plus_or_minus_4()
    {
        Assert.InRange(Report.PoolHumanAgreement, 61, 69);
        Assert.Equal(13, Report.Members.Count);
        Assert.All(Report.Members, m => Assert.InRange(m.HumanAgreement, 50, 80));
    }

    [Fact]
    public void The_demonstrator_leaves_room_above_it()
    {
        var demonstrator = Variant(FarmCalibration.Demonstrator);
        Assert.InRange(demonstrator.SimulatedWinRate, 30, 45); // the paper's SFT range (FARM-WORLD property 3)
        Assert.True(demonstrator.GoldWinRate < 50);
    }

    [Fact]
    public void Padding_fools_the_pool_but_not_gold()
    {
        var (plain, padded) = (Variant(FarmCalibration.Demonstrator), Variant(FarmCalibration.Padded));
        Assert.True(padded.SimulatedWinRate > plain.SimulatedWinRate);
        Assert.True(padded.GoldWinRate < plain.GoldWinRate);
    }

    [Fact]
    public void The_pool_likes_length_more_than_gold_and_errors_and_repetition_lose()
    {
        Assert.True(Report.PoolPreferLonger > Report.GoldPreferLonger);
        Assert.True(Report.LongerPairs > 100);
        var plain = Variant(FarmCalibration.Demonstrator);
        Assert.True(Variant(FarmCalibration.Errors).GoldWinRate < plain.GoldWinRate);
        Assert.True(Variant(FarmCalibration.Repetitive).GoldWinRate < plain.GoldWinRate);
        var first = Report.Members.Single(m => m.Id == "farm-first-position");
        Assert.True(first.PreferFirst > 0.55);
        Assert.InRange(Report.Members.Single(m => m.Id == "farm-balanced").PreferFirst, 0.45, 0.55);
    }
}
