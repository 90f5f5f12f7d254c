using AlpacaFarm.Abstractions.Compute;
using AlpacaFarm.Application.Pipeline;
using AlpacaFarm.Runner.Farm;
using AlpacaFarm.Runner.Methods;
using Mediator;

namespace AlpacaFarm.Application.Methods;

/// <summary>
/// Runs methods on the farm (<c>alpacafarm run</c>): SFT, pairs, reward model, baseline, then each method. Validation is
/// <see cref="MethodRunner.Plan"/>: every method, override and setting resolved and checked before any work.
/// </summary>
public sealed record RunMethods(MethodRunRequest Request, IProgress<TrainingStage>? Progress = null) : ICommand<MethodRunReport>, IValidated, IUsesCompute
{
    private MethodRunPlan? _plan;

    /// <summary>The checked plan (made by <see cref="Validate"/>, or here on first use).</summary>
    public MethodRunPlan Plan => _plan ??= MethodRunner.Plan(Request);

    public ComputeResources Compute => Request.Compute;

    public void Validate() => _ = Plan;
}

public sealed class RunMethodsHandler(Lazy<MethodRunner> runner) : ICommandHandler<RunMethods, MethodRunReport>
{
    public async ValueTask<MethodRunReport> Handle(RunMethods command, CancellationToken cancellationToken) =>
        await runner.Value.RunAsync(command.Plan, command.Progress, cancellationToken);
}
