using AlpacaFarm.Abstractions.Reporting;

namespace AlpacaFarm.Tests.Modeling;

/// <summary>An <see cref="IMethodReporter"/> that keeps what a method reported.</summary>
internal sealed class RecordingReporter : IMethodReporter
{
    public List<MethodProgress> Progress { get; } = [];

    public List<string> Logs { get; } = [];

    public List<MethodArtifact> Artifacts { get; } = [];

    public void Report(MethodProgress progress) => Progress.Add(progress);

    public void Log(MethodLogLevel level, string message) => Logs.Add(message);

    public void ReportArtifact(MethodArtifact artifact) => Artifacts.Add(artifact);
}
