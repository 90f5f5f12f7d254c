using AlpacaFarm.Runner.Configuration;
using Mediator;

namespace AlpacaFarm.Application.Home;

/// <summary>The home's size by kind (<c>alpacafarm home</c>); reads only, and a home that does not exist stays so.</summary>
public sealed record MeasureHome : IQuery<HomeUsage>;

public sealed class MeasureHomeHandler(AlpacaFarmHome home) : IQueryHandler<MeasureHome, HomeUsage>
{
    public ValueTask<HomeUsage> Handle(MeasureHome query, CancellationToken cancellationToken) => ValueTask.FromResult(HomeUsage.Measure(home));
}

/// <summary>What <c>alpacafarm clean</c> would remove and what it keeps, with why; reads only.</summary>
public sealed record PlanClean : IQuery<CleanPlan>;

public sealed class PlanCleanHandler(AlpacaFarmHome home) : IQueryHandler<PlanClean, CleanPlan>
{
    public ValueTask<CleanPlan> Handle(PlanClean query, CancellationToken cancellationToken) => ValueTask.FromResult(HomeCleaner.Plan(home));
}

/// <summary>Removes a plan's removable items, each decided again at removal (<c>alpacafarm clean --yes</c>).</summary>
public sealed record CleanHome(CleanPlan Plan) : ICommand<CleanResult>;

public sealed class CleanHomeHandler : ICommandHandler<CleanHome, CleanResult>
{
    public ValueTask<CleanResult> Handle(CleanHome command, CancellationToken cancellationToken) =>
        ValueTask.FromResult(HomeCleaner.Remove(command.Plan, cancellationToken));
}
