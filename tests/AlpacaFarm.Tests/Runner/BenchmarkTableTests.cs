using AlpacaFarm.Catalog;
using AlpacaFarm.Runner.Benchmark;

namespace AlpacaFarm.Tests.Runner;

/// <summary>
/// The pieces of the benchmark's closing table: seed lists, estimates over seeds, paired differences, the paper's Table 2
/// and the rows a run with no --methods asks for. Expected values are worked by hand (in the comments) or typed from the
/// paper.
/// </summary>
public sealed class BenchmarkTableTests
{
    [Theory]
    [InlineData("0,1,2", new long[] { 0, 1, 2 })]
    [InlineData("0..4", new long[] { 0, 1, 2, 3, 4 })]
    [InlineData("7, 0..2", new long[] { 7, 0, 1, 2 })]
    [InlineData("3..3", new long[] { 3 })]
    public void Seed_lists_read_as_people_type_them(string text, long[] seeds) => Assert.Equal(seeds, SeedList.Parse(text));

    [Theory]
    [InlineData("0,1,1", "--seeds '0,1,1' gives seed 1 twice")]
    [InlineData("0..2,2", "--seeds '0..2,2' gives seed 2 twice")]
    [InlineData("4..2", "--seeds '4..2': '4..2' is not a seed or a range such as 0..4")]
    [InlineData("-1", "--seeds '-1': '-1' is not a seed or a range such as 0..4")]
    [InlineData("0,,1", "--seeds '0,,1': '' is not a seed or a range such as 0..4")]
    [InlineData("a", "--seeds 'a': 'a' is not a seed or a range such as 0..4")]
    [InlineData("0..100", "--seeds '0..100': '0..100' is not a seed or a range such as 0..4")]
    public void A_bad_seed_list_is_one_line(string text, string error) =>
        Assert.Equal(error, Assert.Throws<ArgumentException>(() => SeedList.Parse(text)).Message);

    [Fact]
    public void Over_seeds_the_estimate_is_the_mean_with_the_standard_error_across_seeds()
    {
        // 30, 33, 36: mean 33; sample SD sqrt(((−3)² + 0² + 3²)/2) = 3; SE 3/√3 = √3.
        var estimate = SeedEstimate.Of([30, 33, 36], oneRowStandardError: 1.6);
        Assert.Equal(33, estimate.Mean, 12);
        Assert.Equal(Math.Sqrt(3), estimate.StandardError, 12);
        Assert.True(estimate.AcrossSeeds);

        // One seed: its own row's SE over instructions.
        Assert.Equal(new SeedEstimate(31.5, 1.6, false), SeedEstimate.Of([31.5], 1.6));
    }

    [Fact]
    public void The_difference_to_sft_counts_the_seeds_that_clear_two_paired_standard_errors_in_its_direction()
    {
        // +4 ± 1.5 clears (4 ≥ 3), +1 ± 1.5 does not, −3.5 ± 1.5 clears but against the mean's sign.
        // Mean (4 + 1 − 3.5)/3 = 0.5; deviations 3.5, 0.5, −4: SD sqrt((12.25 + 0.25 + 16)/2) = sqrt(14.25); SE sqrt(14.25/3).
        var difference = SeedDifference.Of([(4, 1.5), (1, 1.5), (-3.5, 1.5)])!;
        Assert.Equal(0.5, difference.Mean, 12);
        Assert.Equal(Math.Sqrt(14.25 / 3), difference.StandardError, 12);
        Assert.Equal((1, 3), (difference.Clear, difference.Seeds));

        // One seed: its paired SE; exactly 2 SE clears.
        Assert.Equal(new SeedDifference(-3, 1.5, 1, 1), SeedDifference.Of([(-3, 1.5)]));
        Assert.Null(SeedDifference.Of([]));
    }

    [Fact]
    public void The_paper_table_carries_table_2_with_its_citation()
    {
        var paper = PaperTable.Load();
        Assert.StartsWith("Dubois et al. 2023", paper.Source);
        var none = new Dictionary<string, string>();
        // Typed from the paper's Table 2 (v1; DPO's simulated row from v4).
        (string Method, double Simulated, double? Human)[] expected =
        [
            ("ppo", 46.8, 55.1), ("dpo", 46.8, null), ("best-of-n", 45.0, 50.7), ("expert-iteration", 41.9, 45.7),
            ("sft", 36.7, 44.3), ("binary-feedme", 36.6, 37.9), ("quark", 35.6, null), ("binary-reward-conditioning", 32.4, null),
        ];
        Assert.Equal(expected, paper.Rows.Select(row => (row.Method, row.Simulated, row.Human)));
        Assert.Equal("PPO", paper.Find("ppo", none)!.Paper);
        Assert.Null(paper.Find("quark", new Dictionary<string, string> { ["mode"] = "tokens" })); // the paper has one Quark row
        Assert.Equal(int.MaxValue, paper.Order("kto"));
    }

    [Fact]
    public void With_no_methods_named_the_benchmark_asks_for_every_built_in_method_in_the_papers_order_and_quarks_token_mode()
    {
        var entries = BenchmarkEntries.All(PluginCatalog.Load([]), PaperTable.Load());
        Assert.Equal(
            ["ppo", "dpo", "best-of-n", "expert-iteration", "binary-feedme", "quark", "quark", "binary-reward-conditioning"],
            entries.Select(entry => entry.Method));
        Assert.Empty(entries[5].Overrides);
        Assert.Equal(new Dictionary<string, string> { ["mode"] = "tokens" }, entries[6].Overrides);
    }
}
