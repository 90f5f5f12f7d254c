using AlpacaFarm.Abstractions.Methods;
using AlpacaFarm.Abstractions.Policies;
using AlpacaFarm.Abstractions.Preferences;
using AlpacaFarm.Abstractions.Reporting;

namespace AlpacaFarm.TestPlugins.Misbehaving;

public sealed class ThrowingMethod() : TestMethod("test-throws", "Throws.")
{
    public override Task<IPolicy> RunAsync(MethodContext context, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("deliberate failure");
}

public sealed class NullMethod() : TestMethod("test-null", "Returns no policy.")
{
    public override Task<IPolicy> RunAsync(MethodContext context, CancellationToken cancellationToken) => Task.FromResult<IPolicy>(null!);
}

/// <summary>Asks for 3 labels, then for one more than its budget allows.</summary>
public sealed class OverBudgetMethod() : TestMethod("test-over-budget", "Asks for more labels than its budget.")
{
    public override async Task<IPolicy> RunAsync(MethodContext context, CancellationToken cancellationToken)
    {
        await context.Preferences.AnnotateAsync(Queries(context, 3), cancellationToken);
        var budget = await context.Preferences.GetBudgetAsync(cancellationToken);
        await context.Preferences.AnnotateAsync(Queries(context, budget.Remaining + 1), cancellationToken);
        return new EchoPolicy();
    }

    internal static List<PreferenceQuery> Queries(MethodContext context, int count) =>
        [.. Enumerable.Range(0, count).Select(i => new PreferenceQuery(context.Spec.Splits.Preference[i % context.Spec.Splits.Preference.Count], "Yes.", $"No {i}."))];
}

/// <summary>Asks for 3 labels, reports the SFT policy as its step-0 artifact and returns a policy that echoes: a run that succeeds.</summary>
public sealed class LabelsMethod() : TestMethod("test-labels", "Asks for 3 labels.")
{
    public override async Task<IPolicy> RunAsync(MethodContext context, CancellationToken cancellationToken)
    {
        await context.Preferences.AnnotateAsync(OverBudgetMethod.Queries(context, 3), cancellationToken);
        context.Reporter.ReportArtifact(new MethodArtifact(context.Spec.SftPolicy, 0, "policy at step 0"));
        return new EchoPolicy();
    }
}

/// <summary>Returns a policy that asks the preference service while it is evaluated.</summary>
public sealed class LateQueryMethod() : TestMethod("test-late-query", "Its policy asks for labels during evaluation.")
{
    public override Task<IPolicy> RunAsync(MethodContext context, CancellationToken cancellationToken) =>
        Task.FromResult<IPolicy>(new EchoPolicy(token => context.Preferences.AnnotateAsync(OverBudgetMethod.Queries(context, 1), token)));
}

/// <summary>Never returns and ignores cancellation: only the time limit ends its run.</summary>
public sealed class HangingMethod() : TestMethod("test-hang", "Never returns, ignoring cancellation.")
{
    public override async Task<IPolicy> RunAsync(MethodContext context, CancellationToken cancellationToken)
    {
        context.Reporter.Report(new MethodProgress("hanging", 0, 1, new Dictionary<string, double>()));
        await Task.Delay(Timeout.Infinite, CancellationToken.None);
        return new EchoPolicy();
    }
}

/// <summary>Reports that it started, then waits until it is cancelled.</summary>
public sealed class WaitingMethod() : TestMethod("test-wait", "Waits to be cancelled.")
{
    public override async Task<IPolicy> RunAsync(MethodContext context, CancellationToken cancellationToken)
    {
        context.Reporter.Log(MethodLogLevel.Information, "waiting to be cancelled");
        context.Reporter.Report(new MethodProgress("waiting", 0, 1, new Dictionary<string, double>()));
        await Task.Delay(Timeout.Infinite, cancellationToken);
        return new EchoPolicy();
    }
}

/// <summary>Declared with its table but not implemented: the host lists it and refuses to run it.</summary>
public sealed class DeclaredMethod : IMethod
{
    public MethodDescriptor Descriptor { get; } =
        new("test-declared", "test-declared", "1.0.0", MethodKind.TrainingTime, "Declared, not implemented.", "none", [], IsImplemented: false);

    public Task<IPolicy> RunAsync(MethodContext context, CancellationToken cancellationToken) =>
        throw new NotImplementedException("declared only");
}

/// <summary>
/// A barrier for tests of whole processes: appends "entered" to entered.txt in its work directory, writes a small steps.csv,
/// then waits until a file named "open" appears there or in the method's cache folder (or it is cancelled), and returns a
/// policy that echoes.
/// </summary>
public sealed class GateMethod() : TestMethod("test-gate", "Waits at a gate until the test opens it.")
{
    public override async Task<IPolicy> RunAsync(MethodContext context, CancellationToken cancellationToken)
    {
        var work = context.Spec.WorkDirectory;
        await File.WriteAllLinesAsync(Path.Combine(work, "steps.csv"), ["step,loss,kl", "1,2.5,0", "2,2.25,0.5", "3,2,0.75"], cancellationToken);
        await File.AppendAllLinesAsync(Path.Combine(work, "entered.txt"), ["entered"], cancellationToken);
        context.Reporter.Report(new MethodProgress("at the gate", 0, 1, new Dictionary<string, double>()));
        while (!File.Exists(Path.Combine(work, "open")) && !File.Exists(Path.Combine(context.Spec.CacheDirectory, "open")))
            await Task.Delay(20, cancellationToken);
        return new EchoPolicy();
    }
}
