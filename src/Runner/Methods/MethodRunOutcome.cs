using AlpacaFarm.Leaderboard;

namespace AlpacaFarm.Runner.Methods;

/// <summary>How one method's run ended.</summary>
/// <param name="Status">A <see cref="MethodRunStatus"/>; "stored" runs were found stored and not run again.</param>
/// <param name="Reason">One line for a run that did not succeed.</param>
/// <param name="Row">The row's aggregate (stored now or before); null when the run failed.</param>
public sealed record MethodRunOutcome(
    string Method,
    string RunKey,
    string RowName,
    string Status,
    string? Reason,
    AggregateRecord? Row,
    bool Reused,
    int LabelsUsed,
    TimeSpan MethodWall,
    TimeSpan EvaluationWall)
{
    public bool Succeeded => Status == MethodRunStatus.Succeeded;
}

/// <summary>What a run of one seed did: the SFT baseline row, then each method's outcome in order (methods after a time-out or cancel are not started).</summary>
public sealed record MethodRunReport(BoardIdentity Board, long Seed, MethodRunOutcome Sft, IReadOnlyList<MethodRunOutcome> Methods)
{
    public bool AllSucceeded => Sft.Succeeded && Methods.All(method => method.Succeeded);
}
