namespace AlpacaFarm.Abstractions.Reporting;

/// <summary>Progress, logging and intermediate artifacts from a method to the host (proxy-able: serialisable arguments only).</summary>
public interface IMethodReporter
{
    void Report(MethodProgress progress);

    void Log(MethodLogLevel level, string message);

    /// <summary>Records an artifact made along the way (a checkpoint and its step), which experiments may evaluate later.</summary>
    void ReportArtifact(MethodArtifact artifact);
}
