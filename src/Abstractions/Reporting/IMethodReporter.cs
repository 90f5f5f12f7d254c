namespace AlpacaFarm.Abstractions.Reporting;

/// <summary>Progress and logging from a method to the host (proxy-able: serialisable arguments only).</summary>
public interface IMethodReporter
{
    void Report(MethodProgress progress);

    void Log(MethodLogLevel level, string message);
}
