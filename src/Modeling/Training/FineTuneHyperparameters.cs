using AlpacaFarm.Abstractions.Methods;

namespace AlpacaFarm.Modeling.Training;

/// <summary>
/// The four hyperparameters of a supervised fine-tune, under the names <see cref="TrainingOptions.FineTune"/> reads
/// (<c>learning_rate</c>, <c>epochs</c>, <c>batch_size</c>, <c>warmup_ratio</c>): one shape for every method that fine-tunes,
/// with each method's own defaults (its validation sweep chose them) and the paper's values beside them.
/// </summary>
/// <param name="LearningRate">The method's default peak AdamW learning rate.</param>
/// <param name="Epochs">Its default passes over the examples.</param>
/// <param name="BatchSize">Its default examples per optimiser step.</param>
/// <param name="WarmupRatio">Its default fraction of steps warming up linearly.</param>
/// <param name="Examples">What one example is, plural, for the descriptions (e.g. "chosen responses").</param>
/// <param name="Paper">The paper's values, in the same order, as text.</param>
/// <param name="LearningRateNote">Where the default learning rate came from, when it says more than the paper.</param>
public sealed record FineTuneHyperparameters(
    double LearningRate,
    int Epochs,
    int BatchSize,
    double WarmupRatio,
    string Examples,
    (string LearningRate, string Epochs, string BatchSize, string WarmupRatio) Paper,
    string? LearningRateNote = null)
{
    /// <summary>
    /// The paper's supervised fine-tune (learning rate 2e-5, 3 epochs, batch 128, warm-up 0.03), as the paper's values of
    /// a method that fine-tunes like SFT; <paramref name="learningRateNote"/> annotates the learning rate (e.g. where the
    /// paper gives the method none of its own).
    /// </summary>
    public static (string LearningRate, string Epochs, string BatchSize, string WarmupRatio) PaperSft(string? learningRateNote = null) =>
        (learningRateNote is null ? "2e-5" : $"2e-5 ({learningRateNote})", "3", "128", "0.03");

    /// <summary>The four rows of the method's hyperparameter table.</summary>
    public IReadOnlyList<HyperparameterSpec> Table() =>
    [
        HyperparameterSpec.Float("learning_rate", LearningRate, 1e-9, 1, Paper.LearningRate,
            "Peak AdamW learning rate" + (LearningRateNote is null ? "." : $" ({LearningRateNote}).")),
        HyperparameterSpec.Int("epochs", Epochs, 1, 100, Paper.Epochs, $"Passes over the {Examples}."),
        HyperparameterSpec.Int("batch_size", BatchSize, 1, 4096, Paper.BatchSize, $"{char.ToUpperInvariant(Examples[0])}{Examples[1..]} per optimiser step."),
        HyperparameterSpec.Float("warmup_ratio", WarmupRatio, 0, 0.99, Paper.WarmupRatio, "Fraction of steps warming up linearly."),
    ];
}
