using System.Diagnostics;
using System.Globalization;
using AlpacaFarm.Abstractions.Compute;
using AlpacaFarm.Abstractions.Artifacts;
using AlpacaFarm.Abstractions.Methods;
using AlpacaFarm.Abstractions.Policies;
using AlpacaFarm.Abstractions.Preferences;
using AlpacaFarm.Evaluation.Annotators;
using AlpacaFarm.Evaluation.Sets;
using AlpacaFarm.Leaderboard;
using AlpacaFarm.Modeling.Policies;
using AlpacaFarm.Modeling.Runtime;
using AlpacaFarm.Catalog;
using AlpacaFarm.Runner.Annotators;
using AlpacaFarm.Runner.Benchmark;
using AlpacaFarm.Runner.Configuration;
using AlpacaFarm.Runner.Evaluation;
using AlpacaFarm.Runner.Farm;
using AlpacaFarm.Runner.Sandbox;
using AlpacaFarm.Simulation;

namespace AlpacaFarm.Runner.Methods;

/// <summary>
/// Runs method plugins on the farm: checks everything first (<see cref="Plan"/>), then makes sure the SFT policy, the shared
/// preference pairs and the proxy reward model exist, scores the SFT baseline, and runs each method with its budgeted
/// training pool, a reporter and a time limit, scoring the policy it returns on the evaluation split. Every run is
/// recorded in method_runs whatever its outcome; only a succeeded run stores a row.
/// </summary>
public sealed class MethodRunner(FarmModels models, PolicyEvaluation evaluation, LeaderboardStore store, AlpacaFarmHome home)
{
    /// <summary>Resolves and checks every method, override and setting before any work; throws one line naming what is wrong.</summary>
    public static MethodRunPlan Plan(MethodRunRequest request)
    {
        if (request.Methods is { Count: 0 }) throw new ArgumentException("no method given: name at least one with --methods, or leave --methods out for all");
        if (request.Methods?.GroupBy(id => id).FirstOrDefault(group => group.Count() > 1) is { } twice)
            throw new ArgumentException($"method '{twice.Key}' is given twice");
        if (!MethodRunRequest.EvalSplits.Contains(request.EvalSplit))
            throw new ArgumentException($"unknown evaluation split '{request.EvalSplit}' (known: {string.Join(", ", MethodRunRequest.EvalSplits)})");
        if (request.LabelBudget < 0) throw new ArgumentException($"the label budget must be at least 0 (got {request.LabelBudget})");
        if (request.TimeLimit is { } limit && limit <= TimeSpan.Zero) throw new ArgumentException("the time limit must be positive");
        var recipe = FarmRecipe.Get(request.Recipe);
        // A submission's code never loads into the host: a worker lists its methods.
        if (request.Submission is { } submission) return new MethodRunPlan(request, recipe, [SubmissionPlanner.Plan(request, submission)]);

        var catalog = PluginCatalog.Load(request.PluginFolders ?? []);
        var entries = request.Methods is { } ids
            ? [.. ids.Select(id => new BenchmarkEntry(id, new Dictionary<string, string>()))]
            : BenchmarkEntries.All(catalog, PaperTable.Load());
        if (entries.Count == 0) throw new ArgumentException($"no built-in method is loaded from {PluginCatalog.BuiltInFolder}: alpacafarm methods says why");
        if (request.Overrides.Keys.FirstOrDefault(id => entries.All(entry => entry.Method != id)) is { } stray)
            throw new ArgumentException($"--set names method '{stray}', which is not among the methods to run ({string.Join(", ", entries.Select(e => e.Method).Distinct())})");

        var methods = new List<PlannedMethod>();
        foreach (var entry in entries)
        {
            var (plugin, resolved) = catalog.Resolve(entry.Method);
            if (!plugin.BuiltIn && !request.Trust)
                throw new ArgumentException(
                    $"method '{entry.Method}' comes from the third-party plugin folder {plugin.Folder}: it runs inside this process only with --trust");
            var descriptor = resolved.Descriptor!;
            // A plugin built before contract 3.1 knows no precision: it would train fp32 under a key that says otherwise.
            if (request.Compute.Precision != ComputeResources.Fp32 && plugin.Manifest is { KnowsPrecision: false } manifest)
                throw new ArgumentException(
                    $"method '{entry.Method}' comes from a plugin built for contract {manifest.ContractVersion}, which predates --precision: it trains only in fp32 (leave --precision out)");
            // The user's overrides apply to every row of the method, over a variant's own.
            var overrides = new Dictionary<string, string>(entry.Overrides);
            foreach (var (key, value) in request.Overrides.GetValueOrDefault(entry.Method) ?? new Dictionary<string, string>()) overrides[key] = value;
            var merged = descriptor.Merge(overrides);
            // A variant the overrides made identical to a row already planned would be the same run twice.
            if (methods.Any(planned => planned.Id == entry.Method && planned.Hyperparameters.Count == merged.Count
                && planned.Hyperparameters.All(pair => merged.TryGetValue(pair.Key, out var value) && value == pair.Value))) continue;
            methods.Add(new PlannedMethod(descriptor, plugin, resolved.Factory!, merged, descriptor.NonDefault(merged), ArtifactHandle.HashFolder(plugin.Folder)));
        }
        return new MethodRunPlan(request, recipe, methods);
    }

    /// <summary>Runs the plan for its request's seed: the shared models, the baseline, then each method in order.</summary>
    public async Task<MethodRunReport> RunAsync(MethodRunPlan plan, IProgress<TrainingStage>? progress, CancellationToken cancellationToken,
        IRunStages? stages = null)
    {
        var (request, recipe) = (plan.Request, plan.Recipe);
        var board = Board(plan);
        RefuseBaselineOfOtherCompute(plan, request.Seed);
        var sft = Stage(stages, RunStage.Sft, () => models.Sft(recipe, request.Seed, request.Compute, progress, cancellationToken)).Handle;
        var pairs = Stage(stages, RunStage.Pairs, () => models.PreferenceData(recipe, request.Seed, request.Compute, progress, cancellationToken)).Handle;
        var rewardModel = Stage(stages, RunStage.RewardModel, () => models.RewardModel(recipe, request.Seed, request.Compute, progress, cancellationToken)).Handle;

        var set = PolicyEvaluation.SetFor(request.EvalSplit, recipe.Sizes);
        stages?.Begin(RunStage.Baseline);
        var clock = Stopwatch.StartNew();
        var baseline = await BaselineAsync(plan, sft, set, board, progress, cancellationToken);
        stages?.End(RunStage.Baseline, clock.Elapsed, baseline.Reused);
        var splits = Splits(recipe);
        var outcomes = new List<MethodRunOutcome>();
        foreach (var method in plan.Methods)
        {
            stages?.Begin(method.Variant);
            clock.Restart();
            var outcome = await RunMethodAsync(plan, method, sft, pairs, rewardModel, splits, set, board, progress, cancellationToken);
            stages?.End(method.Variant, clock.Elapsed, outcome.Reused, outcome.Succeeded);
            outcomes.Add(outcome);
            // A thread cannot be killed in process: after a time-out the method may still be running, so nothing else starts.
            if (outcome.Status is MethodRunStatus.TimedOut or MethodRunStatus.Cancelled) break;
        }
        return new MethodRunReport(board, request.Seed, baseline, outcomes);
    }

    /// <summary>The board a plan's rows go to: its evaluation split, the reference and the split's default annotator pool.</summary>
    public static BoardIdentity Board(MethodRunPlan plan)
    {
        var set = PolicyEvaluation.SetFor(plan.Request.EvalSplit, plan.Recipe.Sizes);
        return SubmissionScorer.Board(set, AnnotatorPools.Resolve(AnnotatorPools.DefaultFor(set)));
    }

    private static TrainedArtifact Stage(IRunStages? stages, string stage, Func<TrainedArtifact> build)
    {
        stages?.Begin(stage);
        var clock = Stopwatch.StartNew();
        var artifact = build();
        stages?.End(stage, clock.Elapsed, artifact.Reused);
        return artifact;
    }

    /// <summary>
    /// Before any training: the baseline row of another device or thread count would have to be replaced by this run's, whose
    /// SFT policy is other bytes, so without --replace the run is refused here rather than after training its SFT. A run of
    /// several seeds checks every seed before the first starts.
    /// </summary>
    public void RefuseBaselineOfOtherCompute(MethodRunPlan plan, long seed)
    {
        var (request, recipe, board) = (plan.Request, plan.Recipe, Board(plan));
        var name = RunKey.BaselineRowName(recipe.Name, seed, request.Compute.Precision);
        if (request.Replace || store.FindSubmission(board.Id, name) is not { } stored || stored.Provenance.Run is not { } run) return;
        if (run.GetValueOrDefault("threads") == request.Compute.Threads.ToString(CultureInfo.InvariantCulture)
            && run.GetValueOrDefault("device", "cpu") == request.Compute.Device) return;
        throw new MethodRunFailure(OtherBaseline(name, stored.Provenance, request));
    }

    private static string OtherBaseline(string name, SubmissionProvenance stored, MethodRunRequest request) =>
        $"row '{name}' already holds the baseline of another SFT policy ({Compute(stored)}; this run: {request.Compute.Device}, " +
        $"{request.Compute.Threads} thread(s)); pass --replace to replace it, or run with the same --threads and --device";

    /// <summary>The SFT row every method is compared with: sft-{recipe}-s{seed} (-bf16 in bf16-mixed), scored once and then found stored.</summary>
    private async Task<MethodRunOutcome> BaselineAsync(MethodRunPlan plan, ArtifactHandle sft, IEvaluationSet set, BoardIdentity board,
        IProgress<TrainingStage>? progress, CancellationToken cancellationToken)
    {
        var (request, recipe) = (plan.Request, plan.Recipe);
        var name = RunKey.BaselineRowName(recipe.Name, request.Seed, request.Compute.Precision);
        if (store.FindSubmission(board.Id, name) is { } stored)
        {
            if (stored.Provenance.FileSha256 == sft.ContentSha256 && stored.Aggregate.IsComplete)
                return new MethodRunOutcome("sft", sft.ContentSha256, name, MethodRunStatus.Succeeded, null, stored.Aggregate, true, 0, TimeSpan.Zero, TimeSpan.Zero);
            // Another SFT policy's baseline (another thread count or device, older trainer code): refused before any method runs.
            if (stored.Provenance.FileSha256 != sft.ContentSha256 && !request.Replace)
                throw new MethodRunFailure(OtherBaseline(name, stored.Provenance, request));
        }
        using var policy = TorchPolicy.Open(sft, request.Compute, name, recipe.GenerationBatch);
        var result = await evaluation.ScoreAsync(policy, set, name, DecodingOptions.Evaluation(request.Seed), recipe.GenerationBatch,
            BaselineProvenance(sft, recipe, request), annotators: null, replace: request.Replace, progress, cancellationToken);
        return new MethodRunOutcome("sft", sft.ContentSha256, name, MethodRunStatus.Succeeded, null, result.Report.Aggregate, false, 0, TimeSpan.Zero, result.Wall);
    }

    /// <summary>Provenance of the SFT baseline row: the platform's own artifact, so verified.</summary>
    public static SubmissionProvenance BaselineProvenance(ArtifactHandle sft, FarmRecipe recipe, MethodRunRequest request) =>
        PolicyEvaluation.CheckpointProvenance("baseline", sft, recipe.Name, request.Seed, Aggregates.Verified, RuntimeFacts(request));

    private async Task<MethodRunOutcome> RunMethodAsync(MethodRunPlan plan, PlannedMethod method, ArtifactHandle sft, ArtifactHandle pairs,
        ArtifactHandle rewardModel, DataSplits splits, IEvaluationSet set, BoardIdentity board, IProgress<TrainingStage>? progress, CancellationToken cancellationToken)
    {
        var (request, recipe) = (plan.Request, plan.Recipe);
        var key = RunKey.For(method, request.Seed, recipe.ToJson(), sft, pairs, rewardModel, request.LabelBudget, request.EvalSplit, request.Compute);
        var name = RunKey.RowName(method.Id, recipe.Name, request.Seed, method.NonDefault, request.Compute.Precision);
        if (method.Submitted is { } submitted)
            (key, name) = (RunKey.Submitted(key, submitted), RunKey.RowName(submitted.Name, recipe.Name, request.Seed, new Dictionary<string, string>(), request.Compute.Precision));
        if (Settled(method, key, name, board, request) is { } settled) return settled;

        // One process per key: a second run of it waits here, then finds the first one's row.
        using var runLock = RunLocks.Acquire(home.Path, key,
            () => progress?.Report(new TrainingStage($"{method.Id}: waiting for another process running {key[..12]}", 0, 0)), cancellationToken);
        if (Settled(method, key, name, board, request) is { } settledMeanwhile) return settledMeanwhile;
        // Holding the lock, this process is the only one that can be running the key: a record still "running" lost its process.
        store.MarkInterrupted(key, except: null, MethodRunStatus.InterruptedReason);

        var work = Path.Combine(home.Path, "runs", key);
        Directory.CreateDirectory(work);
        var runId = store.StartMethodRun(key, method.Id, method.Descriptor.Version, work, DateTimeOffset.UtcNow);
        using var reporter = new RunReporter(method.Id, work, progress, store, runId);
        reporter.Host($"run {key}: method {method.Id} {method.Descriptor.Version}, seed {request.Seed}, recipe {recipe.Name}, " +
            $"hyperparameters {string.Join(", ", method.Hyperparameters.Select(h => $"{h.Key}={h.Value}"))}");
        var budget = new BudgetedPreferenceService(
            new PoolPreferenceService(FarmPool.Create(), new StoreAnnotationCache(store), request.Seed, noise: LabelNoise.Training), request.LabelBudget);
        var service = new ClosablePreferenceService(budget);
        // A submission shares no cache with a built-in method (it could poison one): its own, by its plugin's hash.
        var cache = method.Submitted is null ? MethodCacheFolder(home, method.Id) : Path.Combine(home.Path, "cache", "submitted", method.PluginSha256[..16], method.Id);
        var spec = new MethodRunSpec(key, sft, rewardModel, pairs, splits, request.Compute, method.Hyperparameters, request.Seed, work, cache);
        var context = new MethodContext(spec, service, reporter);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var methodClock = new Stopwatch();
        var evaluationClock = new Stopwatch();
        // Plugin code runs on the thread pool, so that a method that blocks before its first await still meets the limit.
        var running = Task.Run(async () =>
        {
            // libtorch keeps each thread's count from the first time the thread ran its kernels (OpenMP's per-thread setting):
            // a pool thread that served another run in this process would keep that run's count. The request's thread was set
            // by the pipeline; this is the method's.
            TorchDevice.Configure(request.Compute);
            methodClock.Start();
            IPolicy? policy = null;
            try
            {
                policy = await method.Create().RunAsync(context, stop.Token)
                    ?? throw new MethodRunFailure($"method '{method.Id}' returned no policy");
                methodClock.Stop();
                service.Close();
                evaluationClock.Start();
                var labels = (await budget.GetBudgetAsync(stop.Token)).LabelsDelivered;
                var provenance = Provenance(method, key, sft, pairs, rewardModel, recipe, request, labels, methodClock.Elapsed, policy);
                var result = await evaluation.ScoreAsync(policy, set, name, DecodingOptions.Evaluation(request.Seed), recipe.GenerationBatch,
                    provenance, annotators: null, replace: request.Replace, progress, stop.Token);
                evaluationClock.Stop();
                return result;
            }
            finally
            {
                service.Close();
                policy?.Dispose();
            }
        }, CancellationToken.None);

        var limit = request.TimeLimit is { } l ? Task.Delay(l, cancellationToken) : Task.Delay(Timeout.Infinite, cancellationToken);
        string status;
        string? reason;
        PolicyEvaluationResult? evaluated = null;
        if (await Task.WhenAny(running, limit) == running)
        {
            try
            {
                evaluated = await running;
                (status, reason) = (MethodRunStatus.Succeeded, null);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                (status, reason) = (MethodRunStatus.Cancelled, $"method '{method.Id}' was cancelled");
            }
            catch (Exception e)
            {
                (status, reason) = (MethodRunStatus.Failed, Describe(method.Id, e));
            }
        }
        else if (cancellationToken.IsCancellationRequested)
        {
            // Waited for without a bound: libtorch work must not be in flight when the process exits, and a user who will not
            // wait sends a second Ctrl+C, whose default action ends the process at once.
            await stop.CancelAsync();
            await Task.WhenAny(running);
            (status, reason) = (MethodRunStatus.Cancelled, $"method '{method.Id}' was cancelled");
        }
        else
        {
            var stopped = await StopAsync(stop, running);
            (status, reason) = (MethodRunStatus.TimedOut, $"method '{method.Id}' ran past the time limit of {Show(request.TimeLimit!.Value)}" +
                (stopped ? "; no further method was started" : $" and had not stopped {Show(StopGrace)} later, so no further method was started"));
        }

        var used = (await budget.GetBudgetAsync(CancellationToken.None)).LabelsDelivered;
        reporter.Host($"{status}{(reason is null ? "" : ": " + reason)}");
        store.FinishMethodRun(runId, status, reason, used, DateTimeOffset.UtcNow, evaluated?.Report.Board.Id, evaluated?.Report.Name);
        return new MethodRunOutcome(method.Id, key, name, status, reason, evaluated?.Report.Aggregate, false, used, methodClock.Elapsed, evaluationClock.Elapsed);
    }

    /// <summary>How long a method past its time limit may take to stop before its run is recorded without it.</summary>
    public static TimeSpan StopGrace { get; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Cancels the method's token and waits up to <see cref="StopGrace"/> for its task to end, so that no libtorch work is in
    /// flight when the run is recorded and the process goes on (or exits). False when it did not end: it is then stray work,
    /// and the host ends the process at once rather than tear libtorch down under it.
    /// </summary>
    private static async Task<bool> StopAsync(CancellationTokenSource stop, Task running)
    {
        await stop.CancelAsync();
        if (await Task.WhenAny(running, Task.Delay(StopGrace)) == running) return true;
        StrayWork.Add(running);
        return false;
    }

    /// <summary>
    /// The outcome of a run that needs no work: the key's row is stored (reused), or the row's name holds another run's
    /// result (refused before any of the method's work, unless --replace); null when the run must go ahead.
    /// </summary>
    private MethodRunOutcome? Settled(PlannedMethod method, string key, string name, BoardIdentity board, MethodRunRequest request)
    {
        if (store.StoredRun(key) is { } done && store.FindSubmission(done.BoardId!, done.RowName!) is { } row)
            return new MethodRunOutcome(method.Id, key, done.RowName!, MethodRunStatus.Succeeded, null, row.Aggregate, true, done.LabelsUsed, TimeSpan.Zero, TimeSpan.Zero);
        if (!request.Replace && store.FindSubmission(board.Id, name) is { } taken)
            return new MethodRunOutcome(method.Id, key, name, MethodRunStatus.Failed,
                $"method '{method.Id}': row '{name}' already holds another run's result on this board " +
                $"({Describe(taken.Provenance)}); pass --replace to replace it, or change --seed or a hyperparameter",
                null, false, 0, TimeSpan.Zero, TimeSpan.Zero);
        return null;
    }

    /// <summary>The cache folder every run of a method on a home shares: cache/METHOD-ID/ (ids are kebab-case, safe as a name).</summary>
    public static string MethodCacheFolder(AlpacaFarmHome home, string methodId) => Path.Combine(home.Path, "cache", methodId);

    /// <summary>The training splits every method of a run receives: instructions only, never eval-805, references or labels.</summary>
    private static DataSplits Splits(FarmRecipe recipe)
    {
        var splits = FarmWorld.Generate(recipe.Sizes with { Sft = 0, Eval = 0 }, FarmWorld.SplitSeed);
        return new DataSplits([.. splits.Preference.Select(i => i.Instruction)], [.. splits.Unlabeled.Select(i => i.Instruction)],
            [.. splits.Validation.Select(i => i.Instruction)]);
    }

    private static SubmissionProvenance Provenance(PlannedMethod method, string key, ArtifactHandle sft, ArtifactHandle pairs, ArtifactHandle rewardModel,
        FarmRecipe recipe, MethodRunRequest request, int labels, TimeSpan methodWall, IPolicy policy)
    {
        var run = RuntimeFacts(request);
        run["run_key"] = key;
        run["recipe"] = recipe.Name;
        run["sft_sha256"] = sft.ContentSha256;
        run["preference_data_sha256"] = pairs.ContentSha256;
        run["reward_model_sha256"] = rewardModel.ContentSha256;
        run["labels_used"] = labels.ToString(CultureInfo.InvariantCulture);
        run["label_budget"] = request.LabelBudget.ToString(CultureInfo.InvariantCulture);
        run["method_seconds"] = methodWall.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture);
        run["eval_split"] = request.EvalSplit;
        run["policy"] = policy.Name;
        if (method.Submitted is { } submitted)
        {
            run["submitted_as"] = submitted.Name;
            run["sandbox"] = submitted.Sandbox;
            run["memory_limit_bytes"] = submitted.MemoryLimitBytes.ToString(CultureInfo.InvariantCulture);
            run["memory_limit_by"] = submitted.MemoryLimitBy;
            run["time_limit_seconds"] = request.TimeLimit is { } limit ? limit.TotalSeconds.ToString("F0", CultureInfo.InvariantCulture) : "none";
        }
        return new SubmissionProvenance("method", method.Plugin.Manifest!.Id, method.Plugin.Manifest.Version, method.PluginSha256, null,
            method.Hyperparameters, new Dictionary<string, string>(), request.Seed, null,
            method.Plugin.BuiltIn ? Aggregates.Verified : Aggregates.Community, method.Id, method.Descriptor.Version, run);
    }

    /// <summary>
    /// What the same seed needs to reproduce the same row bit for bit: the thread count, device, number format, libtorch and
    /// processor.
    /// </summary>
    private static Dictionary<string, string> RuntimeFacts(MethodRunRequest request) => new()
    {
        ["device"] = request.Compute.Device,
        ["threads"] = request.Compute.Threads.ToString(CultureInfo.InvariantCulture),
        ["precision"] = request.Compute.Precision,
        ["libtorch"] = TorchSharp.torch.__version__,
        ["processor"] = ProcessorInfo.Describe().ToString(),
    };

    private static string Describe(SubmissionProvenance stored) =>
        stored.Kind == "method" && stored.Run is { } run && run.TryGetValue("run_key", out var key)
            ? $"method {stored.MethodId} {stored.MethodVersion}, run {key[..12]}, {Compute(stored)}"
            : $"a {stored.Kind} submission";

    /// <summary>The device and thread count a stored row was made with, as its provenance records them.</summary>
    private static string Compute(SubmissionProvenance stored) =>
        stored.Run is { } run && run.TryGetValue("threads", out var threads)
            ? $"{run.GetValueOrDefault("device", "cpu")}, {threads} thread(s)"
            : "device and threads not recorded";

    private static string Describe(string method, Exception e) => e switch
    {
        MethodRunFailure failure => failure.Message,
        PreferenceBudgetExceededException or PreferenceServiceClosedException => $"method '{method}': {e.Message}",
        _ => $"method '{method}' failed: {e.GetType().Name}: {e.Message.Split('\n')[0].Trim()}",
    };

    private static string Show(TimeSpan span) =>
        span.TotalHours >= 1 ? FormattableString.Invariant($"{span.TotalHours:0.##} h")
        : span.TotalMinutes >= 1 ? FormattableString.Invariant($"{span.TotalMinutes:0.##} min")
        : FormattableString.Invariant($"{span.TotalSeconds:0.##} s");
}

/// <summary>A run that failed for a reason the runner states itself (no policy returned, say).</summary>
public sealed class MethodRunFailure(string message) : Exception(message);
