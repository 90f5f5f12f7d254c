using System.Globalization;
using AlpacaFarm.Abstractions.Artifacts;
using AlpacaFarm.Abstractions.Compute;
using AlpacaFarm.Simulation;
using AlpacaFarm.Tests.Modeling;

namespace AlpacaFarm.Tests.Methods;

/// <summary>
/// The built-in PPO plugin on the tiny recipe's SFT policy and reward model, loaded through the catalog and run by hand:
/// the proxy reward of its rollouts rises while the KL to SFT stays bounded, and every step is logged and every
/// checkpoint reported. The tiny policy is close to uniform, so this checks the loop's mechanics, not PPO's quality.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class PpoTests(TinyModels models) : IClassFixture<TinyModels>, IDisposable
{
    private static readonly IReadOnlyList<string> Unlabeled = [.. FarmWorld.Generate(
        new FarmSplitSizes(Sft: 0, Preference: 0, Unlabeled: 256, Validation: 0, Eval: 0), FarmWorld.DefaultSeed).Unlabeled.Select(i => i.Instruction)];

    private readonly string _scratch = Directory.CreateTempSubdirectory("alpacafarm-ppo-").FullName;

    // The run at kl_coef 0.01 that both tests read, run once: its steps and reports stay in memory after its folder goes.
    private static Task<(IReadOnlyList<Dictionary<string, double>> Steps, RecordingReporter Reporter)>? _free;

    // One step with the likelihood readout paid at the last token, which the readout tests compare their first steps against.
    private static Task<(IReadOnlyList<Dictionary<string, double>> Steps, RecordingReporter Reporter)>? _oneStep;

    public void Dispose() => Directory.Delete(_scratch, recursive: true);

    private Task<(IReadOnlyList<Dictionary<string, double>> Steps, RecordingReporter Reporter)> Free() => _free ??= Run("free", ("kl_coef", "0.01"));

    private Task<(IReadOnlyList<Dictionary<string, double>> Steps, RecordingReporter Reporter)> OneStep() =>
        _oneStep ??= Run("plain-1", ("total_steps", "1"), ("warmup_steps", "0"), ("likelihood_credit", "last"));

    private Task<(IReadOnlyList<Dictionary<string, double>> Steps, RecordingReporter Reporter)> Run(string work, params (string Key, string Value)[] overrides) =>
        RunIn(ComputeResources.Fp32, work, overrides);

    private async Task<(IReadOnlyList<Dictionary<string, double>> Steps, RecordingReporter Reporter)> RunIn(string precision, string work, params (string Key, string Value)[] overrides)
    {
        var folder = Path.Combine(_scratch, work);
        var (policy, reporter) = await BuiltInMethod.RunInPrecisionAsync("ppo", models, Unlabeled, 5, folder, Path.Combine(_scratch, "cache"),
            new Dictionary<string, string>
            {
                ["total_steps"] = "24", ["rollout_batch_size"] = "32", ["step_batch_size"] = "16", ["learning_rate"] = "1e-3", ["warmup_steps"] = "2",
                ["max_new_tokens"] = "32", ["save_every"] = "10",
                // The tiny reward model's likelihood terms are about −16 a token (the farm's about −1.6), so paid uncentred
                // each return falls by that much a token along the response, a ramp that swamps 32 rollouts' signal: the
                // free run's proxy went from −16.59 to −16.79. Centred, the loop learns (plugins/Ppo/README.md; the test
                // On_the_tiny_reward_model_only_a_centred_or_last_token_credit_raises_the_proxy).
                ["likelihood_credit"] = "tokens-centred",
            }, precision, overrides);
        policy.Dispose();
        return (NumericCsv.Read(Path.Combine(folder, "steps.csv")), reporter);
    }

    [Fact]
    public async Task Ppo_raises_the_proxy_reward_of_its_rollouts_while_the_kl_stays_bounded_and_logs_every_step()
    {
        var (steps, reporter) = await Free();

        Assert.Equal(Enumerable.Range(1, 24).Select(s => (double)s), steps.Select(s => s["step"]));
        var first = steps.Take(3).Average(s => s["reward"]);
        var last = steps.TakeLast(3).Average(s => s["reward"]);
        Assert.True(last - first > RewardGain, $"mean proxy reward of the first 3 steps {first:F4}, of the last 3 {last:F4} (needed a gain of {RewardGain})");
        Assert.All(steps, s => Assert.True(s["kl"] < KlBound, $"step {s["step"]}: KL {s["kl"]:F3} (bound {KlBound})"));
        Assert.All(steps, s => Assert.Equal(s["reward"], s["reward_head"] + s["reward_likelihood"], 1e-3));
        // Checkpoints at steps 10 and 20 (the last step's policy is the one returned), reported with their steps.
        Assert.Equal([10, 20], reporter.Artifacts.Select(a => a.Step));
        Assert.All(reporter.Artifacts, a => Assert.Equal(ArtifactKind.Policy, a.Handle.Kind));
        Assert.Equal(24, reporter.Progress.Count(p => p.Stage == "ppo"));
    }

    [Fact]
    public async Task A_large_kl_coefficient_keeps_the_policy_close_to_sft_while_a_small_one_lets_it_move()
    {
        var (free, _) = await Free();
        var (anchored, _) = await Run("anchored", ("kl_coef", AnchoredKlCoefficient));

        var freeKl = free.Max(s => s["kl"]);
        Assert.True(freeKl > FreeKlAtLeast, $"without the anchor the KL reached only {freeKl:F3}: the policy did not move, so the anchor proves nothing");
        var anchoredKl = anchored.Max(s => s["kl"]);
        Assert.True(anchoredKl < AnchoredKlBound, $"with kl_coef {AnchoredKlCoefficient} the KL reached {anchoredKl:F3} (bound {AnchoredKlBound}); " +
            $"per step {string.Join(' ', anchored.Select(s => s["kl"].ToString("F2", CultureInfo.InvariantCulture)))}, without the anchor " +
            string.Join(' ', free.Select(s => s["kl"].ToString("F2", CultureInfo.InvariantCulture))));
    }

    [Fact]
    public async Task Adam_epsilon_reaches_the_optimiser()
    {
        // ε = 1 dwarfs every √v̂, so each step moves a parameter by about lr · m̂ (its gradient's size) instead of lr:
        // the policy hardly leaves SFT, where the same run at the default ε travels far.
        var (free, _) = await Free();
        var (damped, _) = await Run("damped", ("kl_coef", "0.01"), ("adam_epsilon", "1"));

        var dampedKl = damped.Max(s => s["kl"]);
        Assert.True(dampedKl < DampedKlBound, $"with adam_epsilon 1 the KL reached {dampedKl:F4} (bound {DampedKlBound}); at the default {free.Max(s => s["kl"]):F3}");
    }

    [Fact]
    public async Task An_entropy_bonus_keeps_the_policy_from_sharpening()
    {
        // Without a bonus PPO sharpens the policy as it raises the proxy; the same run paying entropy_coef per nat of
        // mean token entropy must end with a higher entropy than the free run's last steps.
        var (free, _) = await Free();
        var (bonused, _) = await Run("entropy", ("kl_coef", "0.01"), ("entropy_coef", EntropyCoefficient));

        var freeEntropy = free.TakeLast(3).Average(s => s["entropy"]);
        var bonusedEntropy = bonused.TakeLast(3).Average(s => s["entropy"]);
        Assert.True(bonusedEntropy - freeEntropy > EntropyGap,
            $"mean entropy of the last 3 steps: {bonusedEntropy:F3} with entropy_coef {EntropyCoefficient}, {freeEntropy:F3} without (needed a gap of {EntropyGap})");
    }

    [Fact]
    public async Task The_log_ratio_readout_subtracts_what_the_sft_policy_pays()
    {
        // At step 1 the policy is SFT and both runs sample the same keyed rollouts. The reward model's language-model head
        // started as SFT's, so β × mean(log p_RM − log p_SFT) is a small part of β × mean log p_RM; the head readout is
        // untouched, and the score is still the sum of the two.
        var (plain, _) = await OneStep();
        var (ratio, _) = await Run("ratio-1", ("total_steps", "1"), ("warmup_steps", "0"), ("likelihood_log_ratio", "true"), ("likelihood_credit", "last"));

        var (p, r) = (Assert.Single(plain), Assert.Single(ratio));
        Assert.Equal(p["reward_head"], r["reward_head"], 1e-4);
        Assert.Equal(r["reward"], r["reward_head"] + r["reward_likelihood"], 1e-3);
        Assert.True(Math.Abs(r["reward_likelihood"]) < LogRatioShare * Math.Abs(p["reward_likelihood"]),
            $"log-ratio readout {r["reward_likelihood"]:F4} against the plain readout {p["reward_likelihood"]:F4} (needed under {LogRatioShare} of it)");
    }

    [Fact]
    public async Task Crediting_the_likelihood_to_its_tokens_keeps_the_score_and_changes_the_update()
    {
        // The same keyed rollouts at step 1 get the same score, head and readout under every placement; only where the
        // readout is paid moves, so the advantages, and with them the policy loss of the step's updates, differ by more
        // than rounding (the runs are deterministic: the same setting twice gives the same loss to the last digit).
        var (last, _) = await OneStep();
        var (tokens, _) = await Run("tokens-1", ("total_steps", "1"), ("warmup_steps", "0"), ("likelihood_credit", "tokens"));
        var (centred, _) = await Run("centred-1", ("total_steps", "1"), ("warmup_steps", "0"), ("likelihood_credit", "tokens-centred"));

        var steps = new[] { Assert.Single(last), Assert.Single(tokens), Assert.Single(centred) };
        foreach (var column in new[] { "reward", "reward_head", "reward_likelihood", "kl", "response_length" })
            Assert.All(steps, step => Assert.Equal(steps[0][column], step[column], 1e-4));
        var losses = steps.Select(step => step["policy_loss"]).ToArray();
        foreach (var (a, b) in new[] { (0, 1), (0, 2), (1, 2) })
            Assert.True(Math.Abs(losses[a] - losses[b]) > CreditPolicyLossGap, $"policy losses at last, tokens, tokens-centred: {string.Join(", ", losses)}");
        await Assert.ThrowsAsync<ArgumentException>(() => Run("both", ("likelihood_credit", "tokens"), ("likelihood_log_ratio", "true")));
    }

    [Fact]
    public async Task On_the_tiny_reward_model_only_a_centred_or_last_token_credit_raises_the_proxy()
    {
        // Why these tests run tokens-centred: the tiny reward model's terms are about −16 a token, so paid uncentred each
        // return falls by about half a nat a token along the response, and the free run's proxy does not rise at all.
        var (centred, _) = await Free();
        var (uncentred, _) = await Run("free-tokens", ("kl_coef", "0.01"), ("likelihood_credit", "tokens"));
        var (last, _) = await Run("free-last", ("kl_coef", "0.01"), ("likelihood_credit", "last"));

        static double Gain(IReadOnlyList<Dictionary<string, double>> steps) =>
            steps.TakeLast(3).Average(s => s["reward"]) - steps.Take(3).Average(s => s["reward"]);
        Assert.True(Gain(centred) > RewardGain && Gain(last) > RewardGain, $"gains: centred {Gain(centred):F3}, last {Gain(last):F3} (each needed over {RewardGain})");
        Assert.True(Gain(uncentred) < RewardGain, $"uncentred gain {Gain(uncentred):F3} (expected under {RewardGain})");
    }

    [Fact]
    public async Task In_bf16_mixed_the_updates_change_and_the_rollouts_do_not()
    {
        // Step 1's rollouts come from the SFT policy in fp32 either way; its updates (whose losses the step logs) run in the
        // compute's precision. fp32 runs repeat to the last bit, so any difference is the precision's.
        var (fp32, _) = await OneStep();
        var (bf16, _) = await RunIn(ComputeResources.Bf16Mixed, "bf16-1", ("total_steps", "1"), ("warmup_steps", "0"), ("likelihood_credit", "last"));

        var (a, b) = (Assert.Single(fp32), Assert.Single(bf16));
        foreach (var column in new[] { "reward", "kl", "response_length" }) Assert.Equal(a[column], b[column], 1e-4);
        // bfloat16 keeps 8 bits of mantissa: the update's policy loss (a small difference of means) moves by about 2 %.
        Assert.True(Math.Abs(a["policy_loss"] - b["policy_loss"]) > 1e-3 * Math.Abs(a["policy_loss"]),
            $"policy loss {a["policy_loss"]:R} in fp32, {b["policy_loss"]:R} in bf16-mixed");
    }

    [Fact]
    public async Task Micro_batches_accumulate_to_the_step_batchs_update()
    {
        // Step batches of 16 rollouts, taken whole or as four micro-batches of 4 whose token-weighted gradients add up:
        // the same update up to float rounding, so the next step samples the same rollouts and logs the same numbers.
        var (whole, _) = await Run("whole", ("total_steps", "2"), ("warmup_steps", "0"), ("micro_batch_size", "16"));
        var (micro, _) = await Run("micro", ("total_steps", "2"), ("warmup_steps", "0"), ("micro_batch_size", "4"));

        Assert.Equal(whole.Count, micro.Count);
        foreach (var (w, m) in whole.Zip(micro))
        {
            foreach (var column in new[] { "reward", "kl", "entropy", "policy_loss", "value_loss", "clip_fraction", "approx_kl", "response_length" })
                Assert.True(Math.Abs(w[column] - m[column]) <= MicroBatchTolerance * Math.Max(1, Math.Abs(w[column])),
                    $"step {w["step"]}, {column}: {w[column]:R} whole, {m[column]:R} in micro-batches");
        }
        Assert.True(Math.Abs(whole[^1]["kl"]) > 0.01, $"the policy did not move (KL {whole[^1]["kl"]:G3} at step 2), so the comparison proves nothing");
    }

    [Fact]
    public async Task At_a_rollout_temperature_the_first_update_starts_from_the_distribution_the_rollouts_were_scored_under()
    {
        // One minibatch holding every rollout: its update is the step's first, so the policy being trained is still the
        // one that sampled, and the ratio is 1 at every token only if scoring and training both read softmax(logits / T).
        var (steps, _) = await Run("tempered", ("temperature", "0.5"), ("total_steps", "1"), ("warmup_steps", "0"), ("ppo_epochs", "1"),
            ("step_batch_size", "32"));

        var step = Assert.Single(steps);
        Assert.True(step["approx_kl"] < 1e-9, $"approximate KL {step["approx_kl"]} on the first update at temperature 0.5");
        Assert.Equal(0, step["clip_fraction"]);
        Assert.Equal(0, step["kl"], 1e-4);
    }

    // Measured with the readout paid per token, centred, on the EPYC: a gain of 1.46 and a largest KL of 7.28 (uncentred
    // a gain of −0.20, at the last token 1.24)
    // (1.23 and 5.02 on the Xeon at the last token, when the bounds were set at about half and twice those).
    private const double RewardGain = 0.6;
    private const double KlBound = 10;
    // kl_coef 20 against 0.01 at the same learning rate: largest KL 1.09 against 7.28 as measured (1.24 against 5.02 at
    // the last token). On the nearly uniform tiny policy Adam's noisy steps still drift, so the anchor bounds
    // the KL rather than pinning it (plugins/Ppo/README.md).
    private const string AnchoredKlCoefficient = "20";
    private const double AnchoredKlBound = 2.5;
    private const double FreeKlAtLeast = 3.5;
    // adam_epsilon 1 against the default 1e-8, same run otherwise: largest KL 0.0026 against 7.28, as measured.
    private const double DampedKlBound = 0.05;
    // Whole step batches against micro-batches: float rounding only (relative, or absolute below 1). Measured: steps 1 and
    // 2 agree to 1e-7; a third step flips a sampled token; without the token weighting step 1's entropy differs by 5e-5.
    private const double MicroBatchTolerance = 1e-5;
    // The log-ratio readout against the plain one at step 1: −0.0091 against −16.56 as measured on the EPYC (the tiny
    // reward model's language-model head has barely left SFT's); a sign slip would double the plain readout.
    private const double LogRatioShare = 0.1;
    // Step 1's policy loss at last, tokens and tokens-centred: −0.0231, −0.0143, −0.0170 as measured on the EPYC (the
    // smallest gap 0.0027); under half of it.
    private const double CreditPolicyLossGap = 0.001;
    // entropy_coef 1 against none, same run otherwise: last-3-step entropy 5.59 against 3.64 nats, as measured (3.89 at
    // the last token); under half that gap.
    private const string EntropyCoefficient = "1";
    private const double EntropyGap = 0.85;
}
