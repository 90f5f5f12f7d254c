namespace AlpacaFarm.Abstractions.Reporting;

public enum MethodLogLevel
{
    Debug,
    Information,
    Warning,
    Error,
}
