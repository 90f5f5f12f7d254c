using AlpacaFarm.Runner.Farm;
using AlpacaFarm.Runner.Methods;
using Mediator;

namespace AlpacaFarm.Application.Methods;

/// <summary>Runs methods on the farm (<c>alpacafarm run</c>): SFT, pairs, reward model, baseline, then each method of a checked plan
/// (<see cref="MethodRunner.Plan"/>, made before any work).</summary>
public sealed record RunMethods(MethodRunPlan Plan, IProgress<TrainingStage>? Progress = null) : ICommand<MethodRunReport>;

public sealed class RunMethodsHandler(MethodRunner runner) : ICommandHandler<RunMethods, MethodRunReport>
{
    public async ValueTask<MethodRunReport> Handle(RunMethods command, CancellationToken cancellationToken) =>
        await runner.RunAsync(command.Plan, command.Progress, cancellationToken);
}
