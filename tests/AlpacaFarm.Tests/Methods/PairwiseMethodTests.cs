using System.Globalization;
using AlpacaFarm.Abstractions.Artifacts;
using AlpacaFarm.Modeling.Policies;
using AlpacaFarm.Abstractions.Compute;
using AlpacaFarm.Abstractions.Policies;
using AlpacaFarm.Modeling.Checkpoints;
using AlpacaFarm.Modeling.Scoring;
using AlpacaFarm.Modeling.Tokenization;
using AlpacaFarm.Modeling.Training;
using AlpacaFarm.Modeling.Transformer;
using AlpacaFarm.Simulation;
using AlpacaFarm.Tests.Modeling;

namespace AlpacaFarm.Tests.Methods;

/// <summary>
/// Binary FeedME and DPO (and SimPO), loaded through the catalog and run by hand from the tiny recipe's SFT policy on
/// noiseless synthetic pairs (<see cref="SyntheticPairs"/>): each must come to prefer the chosen marker, measured by the
/// test itself from summed log-probabilities under the returned policy and under SFT.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class PairwiseMethodTests(TinyModels models) : IClassFixture<TinyModels>, IDisposable
{
    private const long Seed = 7;
    private const int TrainPairs = 128;
    private const int Draws = 8;

    private readonly string _scratch = Directory.CreateTempSubdirectory("alpacafarm-pairwise-").FullName;

    public void Dispose() => Directory.Delete(_scratch, recursive: true);

    private static readonly IReadOnlyDictionary<string, string> Tiny = new Dictionary<string, string>
    {
        ["learning_rate"] = "3e-3", ["epochs"] = "3", ["batch_size"] = "16",
    };

    private (WordTokenizer Tokenizer, List<PreferenceExample> Train, List<PreferenceExample> HeldOut) Data()
    {
        var (policy, tokenizer) = Checkpoint.LoadPolicy(models.Sft);
        policy.Dispose();
        return (tokenizer, SyntheticPairs.Make(tokenizer, 0, TrainPairs), SyntheticPairs.Make(tokenizer, 10_000, 48));
    }

    private Task<(TorchPolicy Policy, RecordingReporter Reporter)> Run(string id, string work, List<PreferenceExample> train,
        params (string Key, string Value)[] overrides)
    {
        var pairs = SyntheticPairs.Write(Path.Combine(_scratch, work + "-pairs"), train, SyntheticPairs.Make(Data().Tokenizer, 20_000, Draws));
        var settings = Tiny.ToDictionary();
        if (id == "dpo") settings["held_out_pairs"] = "16";
        return BuiltInMethod.RunOnPairsAsync(id, models, pairs, Seed, Path.Combine(_scratch, work), Path.Combine(_scratch, "cache"), settings, overrides);
    }

    // Summed log-probabilities of the chosen and the rejected responses under a policy checkpoint.
    private static (float[] Chosen, float[] Rejected) Totals(CausalTransformer model, WordTokenizer tokenizer, IReadOnlyList<PreferenceExample> pairs)
    {
        float[] Of(Func<PreferenceExample, string> response) => LogProbs.SequenceTotals(model,
            [.. pairs.Select(p => (IReadOnlyList<int>)PromptFormat.Prompt(tokenizer, p.Instruction))],
            [.. pairs.Select(p => (IReadOnlyList<int>)PromptFormat.Response(tokenizer, response(p)))], tokenizer.PadId);
        return (Of(p => p.Chosen), Of(p => p.Rejected));
    }

    private static (float[] Chosen, float[] Rejected) Totals(ArtifactHandle handle, WordTokenizer tokenizer, IReadOnlyList<PreferenceExample> pairs)
    {
        var (model, _) = Checkpoint.LoadPolicy(handle);
        using (model) return Totals(model, tokenizer, pairs);
    }

    [Fact]
    public async Task Binary_feedme_raises_the_held_out_margin_of_chosen_over_rejected()
    {
        var (tokenizer, train, heldOut) = Data();
        var (trained, reporter) = await Run("binary-feedme", "feedme", train);
        using var policy = trained;

        // mean (log π(chosen) − log π(rejected)) on pairs it never saw, against the same under SFT.
        var (sftChosen, sftRejected) = Totals(models.Sft, tokenizer, heldOut);
        var (chosen, rejected) = Totals(trained.Dependencies[0], tokenizer, heldOut);
        var gain = chosen.Zip(rejected, (c, r) => c - r).Average() - sftChosen.Zip(sftRejected, (c, r) => c - r).Average();
        Assert.True(gain > FeedMeMarginGain, $"held-out margin gain {gain:F3} nats (needed {FeedMeMarginGain})");
        Assert.Contains(reporter.Logs, log => log.Contains($"chosen outputs of {TrainPairs} pairs ({Draws} draws dropped)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Dpo_scores_the_reference_once_per_pair_and_grows_the_implicit_reward_margin_on_its_training_pairs()
    {
        var (tokenizer, train, _) = Data();
        var (trained, reporter) = await Run("dpo", "dpo", train);
        using var policy = trained;

        // The reference is scored once for every pair with a preference (train and held out), and all of it before the first step.
        var reference = reporter.Progress.Where(p => p.Stage == "reference").ToList();
        Assert.Equal(TrainPairs, reference.Max(p => p.Step));
        Assert.Equal(TrainPairs, reference[^1].TotalSteps);
        Assert.Equal(reference.Count, reporter.Progress.TakeWhile(p => p.Stage == "reference").Count());

        // β·mean h over the pairs, from the test's own log-probabilities (0 for SFT itself).
        var (sftChosen, sftRejected) = Totals(models.Sft, tokenizer, train);
        var (chosen, rejected) = Totals(trained.Dependencies[0], tokenizer, train);
        var margin = 0.1 * Enumerable.Range(0, train.Count).Average(i => (chosen[i] - sftChosen[i]) - (rejected[i] - sftRejected[i]));
        Assert.True(margin > DpoMarginAtLeast, $"implicit reward margin on the training pairs {margin:F3} (needed {DpoMarginAtLeast})");

        // epochs.csv: epoch 0 then 1–3; the training margin grows epoch over epoch and the held-out pairs end ranked right.
        var rows = NumericCsv.Read(Path.Combine(_scratch, "dpo", "epochs.csv"));
        Assert.Equal([0, 1, 2, 3], rows.Select(r => r["epoch"]));
        Assert.Equal(0, rows[0]["held_out_margin"], 4);
        Assert.True(rows[1]["train_margin"] < rows[2]["train_margin"] && rows[2]["train_margin"] < rows[3]["train_margin"],
            $"training margins by epoch {string.Join(' ', rows.Skip(1).Select(r => r["train_margin"].ToString("F3", CultureInfo.InvariantCulture)))}");
        Assert.True(rows[3]["held_out_accuracy"] > 0.9, $"held-out accuracy after training {rows[3]["held_out_accuracy"]:F3}");

        // Checkpoints after epochs 1 and 2 (the third's policy is the one returned), saved when their epoch ended: the
        // implicit margin grows from one to the next and on to the returned policy.
        Assert.Equal([1, 2], reporter.Artifacts.Select(a => a.Step));
        var margins = reporter.Artifacts.Select(a => a.Handle).Append(trained.Dependencies[0]).Select(handle =>
        {
            var (c, r) = Totals(handle, tokenizer, train);
            return 0.1 * Enumerable.Range(0, train.Count).Average(i => (c[i] - sftChosen[i]) - (r[i] - sftRejected[i]));
        }).ToList();
        Assert.True(margins[0] < margins[1] && margins[1] < margins[2], $"implicit margins of the epoch-1, epoch-2 and returned policies: {string.Join(' ', margins.Select(m => m.ToString("F3", CultureInfo.InvariantCulture)))}");
    }

    [Fact]
    public async Task SimPo_needs_no_reference_and_raises_the_length_normalised_margin()
    {
        var (tokenizer, train, heldOut) = Data();
        var (trained, reporter) = await Run("dpo", "simpo", train, ("loss", "simpo"));
        using var policy = trained;

        Assert.DoesNotContain(reporter.Progress, p => p.Stage == "reference");
        double Normalised((float[] Chosen, float[] Rejected) totals) => Enumerable.Range(0, heldOut.Count).Average(i =>
            totals.Chosen[i] / PromptFormat.Response(tokenizer, heldOut[i].Chosen).Length - totals.Rejected[i] / PromptFormat.Response(tokenizer, heldOut[i].Rejected).Length);
        var gain = Normalised(Totals(trained.Dependencies[0], tokenizer, heldOut)) - Normalised(Totals(models.Sft, tokenizer, heldOut));
        Assert.True(gain > SimPoMarginGain, $"held-out length-normalised margin gain {gain:F3} nats per token (needed {SimPoMarginGain})");
    }

    [Fact]
    public async Task Reward_conditioning_answers_better_under_the_proxy_with_the_good_token_than_with_the_bad_one()
    {
        // Pairs from the tiny SFT policy's own samples: of 4 draws per instruction, the proxy's best is chosen and its worst rejected.
        var compute = new ComputeResources("cpu", 1, 1L << 30);
        var instructions = FarmWorld.Generate(new FarmSplitSizes(Sft: 0, Preference: 0, Unlabeled: 176, Validation: 0, Eval: 0), FarmWorld.DefaultSeed)
            .Unlabeled.Select(i => i.Instruction).ToList();
        var (train, heldOut) = (instructions.Take(128).ToList(), instructions.Skip(128).ToList());
        var candidates = new DecodingOptions(1.0, 1.0, 32, Seed);
        List<PreferenceExample> pairs;
        using (var sft = TorchPolicy.Open(models.Sft, compute, batchSize: 32))
        using (var scorer = RewardScorer.Open(models.Reward, compute))
        {
            var (prompts, outputs, scores) = Sample(sft, scorer, train, 4, candidates);
            pairs = [.. Enumerable.Range(0, train.Count).Select(i => Enumerable.Range(4 * i, 4).ToArray())
                .Where(draws => draws.Max(d => scores[d]) > draws.Min(d => scores[d]))
                .Select(draws => new PreferenceExample(prompts[draws[0]], outputs[draws.MaxBy(d => scores[d])], outputs[draws.MinBy(d => scores[d])]))];
        }
        var (trained, _) = await Run("binary-reward-conditioning", "conditioning", pairs, ("epochs", "10"));
        using var good = trained;
        Assert.Equal("<good>", good.Control);
        using var bad = TorchPolicy.Open(good.Dependencies[0], compute, batchSize: 32, control: "<bad>");

        // The same held-out instructions, keys and seed; only the control token differs.
        using var proxy = RewardScorer.Open(models.Reward, compute);
        var goodMean = Sample(good, proxy, heldOut, 4, candidates).Scores.Average(s => (double)s);
        var badMean = Sample(bad, proxy, heldOut, 4, candidates).Scores.Average(s => (double)s);
        Assert.True(goodMean - badMean > ConditioningGap, $"mean proxy score with <good> {goodMean:F4}, with <bad> {badMean:F4} (needed a gap of {ConditioningGap})");
    }

    // n keyed samples of each prompt, in prompt order, with their proxy scores.
    private static (List<string> Prompts, IReadOnlyList<string> Outputs, float[] Scores) Sample(
        TorchPolicy policy, RewardScorer scorer, IReadOnlyList<string> prompts, int n, DecodingOptions decoding)
    {
        var repeated = prompts.SelectMany(p => Enumerable.Repeat(p, n)).ToList();
        var keys = prompts.SelectMany(p => Enumerable.Range(0, n).Select(d => TorchPolicy.SampleKey(p, d))).ToList();
        var outputs = policy.Sample(repeated, keys, decoding, CancellationToken.None);
        return (repeated, outputs, scorer.Score([.. repeated.Zip(outputs)]));
    }

    // About half what was measured when the tests were written (FeedME 2.97 nats, DPO 1.90, SimPO 2.47 nats per token;
    // reward conditioning's gap 0.31, and 0.28 with seed 8), so float differences between machines cannot flip them;
    // SFT itself scores 0 on the first three.
    private const double FeedMeMarginGain = 1.5;
    private const double DpoMarginAtLeast = 1.0;
    private const double SimPoMarginGain = 1.2;
    private const double ConditioningGap = 0.14;
}
