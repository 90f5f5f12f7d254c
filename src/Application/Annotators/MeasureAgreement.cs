using AlpacaFarm.Evaluation.Agreement;
using AlpacaFarm.Evaluation.Annotators;
using AlpacaFarm.Evaluation.Imports;
using AlpacaFarm.Runner.Annotators;
using Mediator;

namespace AlpacaFarm.Application.Annotators;

/// <summary>Agreement of an annotator pool (and each member, and longest) with the judgments in annotations.json files.</summary>
/// <param name="Annotators">A pool name or pool file (see <see cref="AnnotatorPools.Resolve"/>).</param>
public sealed record MeasureAgreement(IReadOnlyList<string> AnnotationFiles, string Annotators, long Seed) : IQuery<AgreementReport>;

public sealed record AgreementReport(string Pool, string PoolConfigurationHash, long Seed, IReadOnlyList<FileAgreement> Files);

public sealed class MeasureAgreementHandler : IQueryHandler<MeasureAgreement, AgreementReport>
{
    public async ValueTask<AgreementReport> Handle(MeasureAgreement query, CancellationToken cancellationToken)
    {
        var pool = AnnotatorPools.Resolve(query.Annotators);
        // Read every file first, so that a bad one is refused before any work.
        var files = query.AnnotationFiles.Select(path => (Path: path, Rows: AnnotationsFileReader.Read(path))).ToList();
        var results = new List<FileAgreement>();
        foreach (var (path, rows) in files)
            results.Add(await AgreementAnalysis.MeasureAsync(path, rows, pool, query.Seed, cancellationToken));
        return new AgreementReport(pool.Name, pool.ConfigurationHash, query.Seed, results);
    }
}
