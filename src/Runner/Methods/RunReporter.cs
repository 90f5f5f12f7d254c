using System.Globalization;
using AlpacaFarm.Abstractions.Reporting;
using AlpacaFarm.Leaderboard;
using AlpacaFarm.Modeling.Training;
using AlpacaFarm.Runner.Farm;

namespace AlpacaFarm.Runner.Methods;

/// <summary>
/// A method's reporter: progress goes to the host's display as the training commands show theirs, every message and
/// progress line to runs/&lt;key&gt;/log.txt, and reported artifacts to the run's record.
/// </summary>
public sealed class RunReporter : IMethodReporter, IDisposable
{
    public const string LogFile = "log.txt";

    private readonly string _method;
    private readonly IProgress<TrainingStage>? _progress;
    private readonly LeaderboardStore _store;
    private readonly long _runId;
    private readonly StreamWriter _log;
    private readonly Lock _gate = new();
    private bool _closed;

    public RunReporter(string method, string workDirectory, IProgress<TrainingStage>? progress, LeaderboardStore store, long runId)
    {
        _method = method;
        _progress = progress;
        _store = store;
        _runId = runId;
        _log = new StreamWriter(Path.Combine(workDirectory, LogFile), append: true) { AutoFlush = true };
    }

    public void Report(MethodProgress progress)
    {
        ArgumentNullException.ThrowIfNull(progress);
        var metrics = progress.Metrics ?? new Dictionary<string, double>();
        Write("progress", $"{progress.Stage} {progress.Step}/{progress.TotalSteps}" +
            string.Concat(metrics.Select(metric => $" {metric.Key}={metric.Value.ToString("G6", CultureInfo.InvariantCulture)}")));
        _progress?.Report(new TrainingStage($"{_method}: {progress.Stage}", progress.Step, progress.TotalSteps,
            new TrainingProgress(progress.Step, progress.TotalSteps, metrics.GetValueOrDefault("loss", double.NaN),
                metrics.GetValueOrDefault("learning_rate", double.NaN), metrics.GetValueOrDefault("tokens_per_second", double.NaN)),
            metrics.Where(metric => !ShownAsTraining.Contains(metric.Key)).ToDictionary()));
    }

    // The metrics the display already shows through TrainingProgress.
    private static readonly HashSet<string> ShownAsTraining = ["loss", "learning_rate", "tokens_per_second"];

    public void Log(MethodLogLevel level, string message) => Write(level.ToString().ToLowerInvariant(), message);

    public void ReportArtifact(MethodArtifact artifact)
    {
        ArgumentNullException.ThrowIfNull(artifact);
        Write("artifact", $"{artifact.Label} (step {artifact.Step}): {artifact.Handle.Path} sha256 {artifact.Handle.ContentSha256}");
        _store.AddMethodRunArtifact(new MethodRunArtifactRecord(_runId, artifact.Step, artifact.Label, artifact.Handle.Kind.ToString(),
            artifact.Handle.Path, artifact.Handle.ContentSha256));
    }

    /// <summary>A line from the host itself (start, outcome).</summary>
    public void Host(string message) => Write("host", message);

    public void Dispose()
    {
        lock (_gate)
        {
            _closed = true; // a method that outlives its run (a hang past the limit) must not fail on a closed log
            _log.Dispose();
        }
    }

    private void Write(string kind, string message)
    {
        lock (_gate)
        {
            if (!_closed) _log.WriteLine($"{DateTimeOffset.UtcNow:O} {kind} {message.ReplaceLineEndings(" ")}");
        }
    }
}
