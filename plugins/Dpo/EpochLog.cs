using System.Globalization;
using AlpacaFarm.Abstractions.Reporting;

namespace AlpacaFarm.Plugins.Dpo;

/// <summary>
/// runs/KEY/epochs.csv: a row before training (epoch 0) and after every epoch: the epoch's mean training loss, implicit
/// reward margin and accuracy over its batches (each measured before that batch's update), and the held-out pairs'
/// margin and accuracy at the epoch's end. Each row is also logged to the host.
/// </summary>
internal sealed class EpochLog : IDisposable
{
    public const string FileName = "epochs.csv";

    private readonly StreamWriter _writer;
    private readonly IMethodReporter _reporter;
    private readonly int _epochs;

    public EpochLog(string workDirectory, IMethodReporter reporter, int epochs)
    {
        Directory.CreateDirectory(workDirectory);
        _writer = new StreamWriter(Path.Combine(workDirectory, FileName), append: false) { AutoFlush = true };
        _writer.WriteLine("epoch,train_loss,train_margin,train_accuracy,held_out_margin,held_out_accuracy,seconds");
        (_reporter, _epochs) = (reporter, epochs);
    }

    /// <param name="trainingMargins">The implicit reward margins of the epoch's training pairs, each before its batch's update (none for epoch 0).</param>
    public void Write(int epoch, double loss, IReadOnlyCollection<float> trainingMargins, MarginMeasure heldOut, double seconds)
    {
        var (margin, accuracy) = MarginMeasure.Of(trainingMargins);
        _writer.WriteLine(string.Join(',', new double[] { epoch, loss, margin, accuracy, heldOut.Margin, heldOut.Accuracy, seconds }
            .Select(value => value.ToString("G7", CultureInfo.InvariantCulture))));
        _reporter.Log(MethodLogLevel.Information, epoch == 0
            ? string.Create(CultureInfo.InvariantCulture, $"before training: held-out margin {heldOut.Margin:F4}, accuracy {heldOut.Accuracy:F3}")
            : string.Create(CultureInfo.InvariantCulture,
                $"epoch {epoch}/{_epochs}: loss {loss:F4}, training margin {margin:F4} (accuracy {accuracy:F3}), held-out margin {heldOut.Margin:F4} (accuracy {heldOut.Accuracy:F3})"));
    }

    public void Dispose() => _writer.Dispose();
}
