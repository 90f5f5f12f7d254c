using AlpacaFarm.Evaluation.Metrics;
using System.Diagnostics;
using AlpacaFarm.Abstractions.Preferences;
using AlpacaFarm.Application.Evaluation;
using AlpacaFarm.Evaluation.Annotators;
using AlpacaFarm.Evaluation.Outputs;
using AlpacaFarm.Evaluation.Scoring;
using AlpacaFarm.Evaluation.Sets;
using AlpacaFarm.Judges.Configuration;
using AlpacaFarm.Judges;
using AlpacaFarm.Leaderboard;
using AlpacaFarm.Runner.Evaluation;
using AlpacaFarm.Bench;

// Offline evaluator throughput: scoring 805 outputs and writing them to SQLite, as rows/s (median of runs).
// Usage: dotnet run -c Release --project bench/AlpacaFarm.Bench -- [shared/data folder] [runs]
var data = args.Length > 0 ? args[0] : Path.Combine("..", "shared", "data");
var runs = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 7;
var set = ReferenceFileSet.Load(Path.Combine(data, "alpaca_eval", "reference_text_davinci_003.json"));
var outputs = ModelOutputsReader.ReadFor(Path.Combine(data, "alpaca_eval", "gpt4.json"), set);
var queries = set.Items.Select((item, i) => new PreferenceQuery(item.Instruction, item.ReferenceOutput, outputs.ByItem[i]!.Output)).ToList();
var folder = Directory.CreateTempSubdirectory("alpacafarm-bench-").FullName;
var results = new List<(string What, int Rows, double Seconds)>();

try
{
    results.Add(("read + validate outputs file", 805, Median(() => ModelOutputsReader.ReadFor(Path.Combine(data, "alpaca_eval", "gpt4.json"), set))));
    results.Add(("annotate, longest pool, empty cache", 805, Median(() =>
    {
        using var store = FreshStore();
        Annotate(store);
    })));
    using (var warm = FreshStore())
    {
        Annotate(warm);
        results.Add(("annotate, longest pool, all cached", 805, Median(() => Annotate(warm))));
    }
    var preferences = queries.Select(q => (double?)(q.Output2.Length >= q.Output1.Length ? 2.0 : 1.0)).ToList();
    results.Add(("win rate + length-controlled fit", 805, Median(() =>
        Scorecard.Compute(preferences, queries.Select(q => q.Output2).ToList(), queries.Select(q => q.Output1).ToList()))));
    results.Add(("SQLite: save one evaluation (805 outputs + 805 annotations)", 1610, Median(() =>
    {
        using var store = FreshStore();
        store.Save(Record(), replace: false);
    })));
    // One server throughout: its URL is part of the judge's configuration hash, hence of the cache key.
    await using (var server = await ConstantJudgeServer.StartAsync(TimeSpan.FromMilliseconds(50)))
    using (var judged = FreshStore())
    {
        results.Add(("LLM judge (loopback, 50 ms latency, batch 1, 4 in flight), cold", 805, Once(() => JudgeRun(server, judged))));
        results.Add(("LLM judge (loopback, 50 ms latency), all cached", 805, Median(() => JudgeRun(server, judged))));
    }
    results.Add(("SQLite: annotation cache insert", 805, Median(() =>
    {
        using var store = FreshStore();
        store.PutCached(queries.Select(q => new KeyValuePair<AnnotationCacheKey, CachedAnnotation>(
            new AnnotationCacheKey("bench", q.Instruction, q.Output1, q.Output2, null), new CachedAnnotation(1, 0, 0))).ToList());
    })));
}
finally
{
    Directory.Delete(folder, recursive: true);
}

Console.WriteLine($"{"measurement",-62} {"rows",6} {"median ms",10} {"rows/s",12}");
foreach (var (what, rows, seconds) in results)
    Console.WriteLine($"{what,-62} {rows,6} {seconds * 1000,10:F1} {rows / seconds,12:N0}");

// Slow measurements run once.
double Once(Action action)
{
    var clock = Stopwatch.StartNew();
    action();
    return clock.Elapsed.TotalSeconds;
}

void JudgeRun(ConstantJudgeServer server, LeaderboardStore store)
{
    var judge = new JudgeConfig("bench", new EndpointConfig("openai-compatible", server.OpenAiBaseUrl, null), "loopback", 1.0, 20, 1,
        "pairwise", null, "regex", 2, 1, 2, TimeoutSeconds: 10, MaxConcurrency: 4);
    var pool = JudgePools.Create(new JudgePoolConfig("bench", [judge]));
    new PoolPreferenceService(pool, new StoreAnnotationCache(store), 0).AnnotateAsync(queries, CancellationToken.None).GetAwaiter().GetResult();
}

double Median(Action action)
{
    action(); // warm-up: JIT, SQLite natives
    var times = Enumerable.Range(0, runs).Select(_ =>
    {
        var clock = Stopwatch.StartNew();
        action();
        return clock.Elapsed.TotalSeconds;
    }).Order().ToList();
    return times[times.Count / 2];
}

LeaderboardStore FreshStore() => LeaderboardStore.Open(Path.Combine(folder, $"{Guid.NewGuid():N}.db"));

void Annotate(LeaderboardStore store) =>
    new PoolPreferenceService(BuiltInPools.Get("longest"), new StoreAnnotationCache(store), 0).AnnotateAsync(queries, CancellationToken.None).GetAwaiter().GetResult();

EvaluationRecord Record()
{
    var board = new BoardIdentity(set.Id, set.InstructionsSha256, set.ReferenceSha256, "bench", set.Name, set.ReferenceGenerator, "bench");
    var aggregate = new AggregateRecord(new WinRateSummary(50, 1, 400, 400, 5, 805, 50, 1000), "community", 50);
    return new EvaluationRecord(board, "bench", "sha", new SubmissionProvenance("outputs", null, null, null, null,
            new Dictionary<string, string>(), new Dictionary<string, string>(), 0, null, "community"),
        queries.Select((q, i) => new SubmittedOutput(i, q.Instruction, q.Output2, "gpt4", "")).ToList(),
        queries.Select((q, i) => new AnnotationRecord(i, q.Instruction, 2, "longest", 0, 0)).ToList(),
        aggregate, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, 0, 0, 805);
}
