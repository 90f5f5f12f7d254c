using AlpacaFarm.Abstractions.Compute;
using AlpacaFarm.Application.Pipeline;
using AlpacaFarm.Runner.Benchmark;
using AlpacaFarm.Runner.Farm;
using AlpacaFarm.Runner.Methods;
using Mediator;

namespace AlpacaFarm.Application.Methods;

/// <summary>
/// Runs methods on the farm (<c>alpacafarm run</c>), for each seed: SFT, pairs, reward model, baseline, then each method;
/// then the table over seeds. Validation is <see cref="MethodRunner.Plan"/>: every method, override and setting resolved
/// and checked before any work.
/// </summary>
/// <param name="Seeds">The seeds to run, in order (the request's own seed is replaced by each).</param>
public sealed record RunMethods(MethodRunRequest Request, IReadOnlyList<long> Seeds, IProgress<TrainingStage>? Progress = null)
    : ICommand<BenchmarkReport>, IValidated, IUsesCompute
{
    private MethodRunPlan? _plan;

    /// <summary>The checked plan (made by <see cref="Validate"/>, or here on first use).</summary>
    public MethodRunPlan Plan => _plan ??= MethodRunner.Plan(Request);

    public ComputeResources Compute => Request.Compute;

    public void Validate()
    {
        if (Seeds.Count == 0) throw new ArgumentException("no seed given");
        _ = Plan;
    }
}

public sealed class RunMethodsHandler(Lazy<BenchmarkRunner> runner) : ICommandHandler<RunMethods, BenchmarkReport>
{
    public async ValueTask<BenchmarkReport> Handle(RunMethods command, CancellationToken cancellationToken) =>
        await runner.Value.RunAsync(command.Plan, command.Seeds, command.Progress, cancellationToken);
}
