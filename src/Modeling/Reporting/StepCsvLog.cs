using System.Globalization;

namespace AlpacaFarm.Modeling.Reporting;

/// <summary>
/// runs/KEY/steps.csv of an online method: a header, then one row of numbers per step, flushed as written (<c>curves</c>
/// plots it). A resumed run keeps the rows of the steps it resumes after and writes on from there.
/// </summary>
public sealed class StepCsvLog : IDisposable
{
    /// <summary>The log's file name in the run's work directory.</summary>
    public const string FileName = "steps.csv";

    private readonly StreamWriter _writer;

    /// <param name="workDirectory">The run's work directory.</param>
    /// <param name="header">The column names, "step" first.</param>
    /// <param name="keepThrough">For a resumed run, the last step whose row is kept (0: a new log).</param>
    public StepCsvLog(string workDirectory, IEnumerable<string> header, int keepThrough = 0)
    {
        ArgumentNullException.ThrowIfNull(header);
        Directory.CreateDirectory(workDirectory);
        var path = Path.Combine(workDirectory, FileName);
        var kept = keepThrough > 0 && File.Exists(path)
            ? File.ReadLines(path).Skip(1).Where(line => int.Parse(line.Split(',')[0], CultureInfo.InvariantCulture) <= keepThrough).ToList()
            : [];
        _writer = new StreamWriter(path, append: false) { AutoFlush = true };
        _writer.WriteLine(string.Join(',', header));
        foreach (var line in kept) _writer.WriteLine(line);
    }

    /// <summary>One row: the values in the header's order, seven significant digits.</summary>
    public void Write(IEnumerable<double> values) =>
        _writer.WriteLine(string.Join(',', values.Select(value => value.ToString("G7", CultureInfo.InvariantCulture))));

    /// <summary>Closes the file.</summary>
    public void Dispose() => _writer.Dispose();
}
