using System.Runtime.CompilerServices;

namespace AlpacaFarm.Tests;

/// <summary>Keeps every test away from the user's ~/.alpacafarm: commands run without --home use a throw-away home.</summary>
internal static class TestEnvironment
{
    [ModuleInitializer]
    internal static void UseTemporaryHome() =>
        Environment.SetEnvironmentVariable("ALPACAFARM_HOME", Path.Combine(Path.GetTempPath(), "alpacafarm-tests-home-" + Environment.ProcessId));
}
