using AlpacaFarm.Evaluation.Metrics;
using AlpacaFarm.Evaluation.Sets;

namespace AlpacaFarm.Evaluation.Annotators;

/// <summary>AlpacaEval's "longest" baseline: prefers the output with more code points; equal lengths are a draw. Free and instant.</summary>
public sealed class LongestAnnotator : IPairAnnotator
{
    public string Id => "longest";

    public string ConfigurationHash { get; } = ContentHash.Sha256("longest/v1: more Unicode code points wins; equal lengths draw");

    public bool IsRandom => false;

    public Task<IReadOnlyList<Verdict>> JudgeAsync(IReadOnlyList<PairToJudge> pairs, long seed, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<Verdict>>(pairs.Select(pair =>
        {
            var difference = WinRate.CodePointLength(pair.Output1) - WinRate.CodePointLength(pair.Output2);
            return new Verdict(difference > 0 ? 1 : difference < 0 ? 2 : 1.5, 0, 0);
        }).ToList());
}
