using AlpacaFarm.Abstractions.Preferences;
using AlpacaFarm.Abstractions.Reporting;

namespace AlpacaFarm.Abstractions.Methods;

/// <summary>
/// What the host gives a method: serialisable data (<see cref="Spec"/>) and two services that take and return
/// only serialisable values, so that both can cross a process boundary (the services through proxies).
/// </summary>
public sealed class MethodContext(MethodRunSpec spec, IPreferenceService preferences, IMethodReporter reporter)
{
    public MethodRunSpec Spec { get; } = spec;

    /// <summary>The training annotator pool, for labels beyond the shared ones, within a budget.</summary>
    public IPreferenceService Preferences { get; } = preferences;

    /// <summary>Progress and log messages for the host to show and record.</summary>
    public IMethodReporter Reporter { get; } = reporter;
}
