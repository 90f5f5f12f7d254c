using System.Globalization;
using AlpacaFarm.Modeling.Runtime;
using AlpacaFarm.Runner.Farm;
using AlpacaFarm.Runner.Methods;

namespace AlpacaFarm.Runner.Benchmark;

/// <summary>
/// How long one stage of one seed took, whether it was found stored rather than made, and the useful work its models did
/// (<see cref="ComputeMeter"/>: forward-only and trained tokens, GFLOP; zero for a stage found stored).
/// </summary>
public sealed record StageTime(long Seed, string Stage, double Seconds, bool Reused, bool Succeeded = true,
    long InferenceTokens = 0, long TrainedTokens = 0, double UsefulGflop = 0);

/// <summary>
/// The overall progress of a benchmark: every stage of every seed in order, each weighted by the time the home's history
/// says it took last (a stage it has no time for weighs the mean of those it has, or 1 when it has none), reported as one
/// overall <see cref="TrainingStage"/> with the stage's name and an ETA. It records each stage's time, and each stage it
/// made into the history.
/// </summary>
public sealed class BenchmarkProgress
{
    private readonly IProgress<TrainingStage>? _progress;
    private readonly StageHistory _history;
    private readonly string _recipe;
    private readonly List<(long Seed, string Stage, double Weight)> _stages;
    private readonly bool _timed;
    private readonly List<StageTime> _times = [];
    private double _done;
    private ComputeReading _meter;
    private int _index;

    public BenchmarkProgress(MethodRunPlan plan, IReadOnlyList<long> seeds, StageHistory history, IProgress<TrainingStage>? progress)
    {
        (_progress, _history, _recipe) = (progress, history, plan.Recipe.Name);
        var names = RunStage.All(plan);
        var known = names.Select(name => history.Seconds(_recipe, name)).OfType<double>().ToList();
        _timed = known.Count > 0;
        var prior = _timed ? known.Average() : 1;
        _stages = [.. seeds.SelectMany(seed => names.Select(name => (seed, name, history.Seconds(_recipe, name) ?? prior)))];
    }

    /// <summary>Every stage's time so far, in order.</summary>
    public IReadOnlyList<StageTime> Times => _times;

    /// <summary>The observer of one seed's run.</summary>
    public IRunStages ForSeed(long seed) => new SeedStages(this, seed);

    private void Begin(long seed, string stage)
    {
        _meter = ComputeMeter.Read();
        _index = _stages.FindIndex(s => s.Seed == seed && s.Stage == stage);
        Report(seed, stage);
    }

    private void End(long seed, string stage, TimeSpan wall, bool reused, bool succeeded)
    {
        var work = ComputeMeter.Read() - _meter;
        _times.Add(new StageTime(seed, stage, Math.Round(wall.TotalSeconds, 1), reused, succeeded,
            work.InferenceTokens, work.TrainedTokens, Math.Round(work.UsefulFlops / 1e9, 1)));
        if (!reused && succeeded) _history.Record(_recipe, stage, wall);
        if (_index >= 0) _done += _stages[_index].Weight;
    }

    private void Report(long seed, string stage)
    {
        if (_progress is null) return;
        var total = _stages.Sum(s => s.Weight);
        var text = string.Create(CultureInfo.InvariantCulture,
            $"benchmark {_index + 1}/{_stages.Count}: seed {seed}, {stage}");
        if (Eta(total) is { } eta) text += $" · ETA {Show(eta)}";
        // Steps in tenths of a weight unit, so a bar of seconds and a bar of stages both move smoothly.
        _progress.Report(new TrainingStage(text, (int)Math.Round(10 * _done), (int)Math.Round(10 * total), Overall: true));
    }

    /// <summary>
    /// Time left: the history's times of the stages still to go (a stage found stored then takes less); none without a
    /// history for this recipe.
    /// </summary>
    private TimeSpan? Eta(double total) => _timed ? TimeSpan.FromSeconds(total - _done) : null;

    private static string Show(TimeSpan span) =>
        span.TotalHours >= 1 ? $"{(int)span.TotalHours} h {span.Minutes} min" : span.TotalMinutes >= 1 ? $"{span.Minutes} min" : $"{span.Seconds} s";

    private sealed class SeedStages(BenchmarkProgress owner, long seed) : IRunStages
    {
        public void Begin(string stage) => owner.Begin(seed, stage);

        public void End(string stage, TimeSpan wall, bool reused, bool succeeded) => owner.End(seed, stage, wall, reused, succeeded);
    }
}
