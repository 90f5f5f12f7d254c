using static TorchSharp.torch;

namespace AlpacaFarm.Modeling.Training;

/// <summary>What one training step's function returns to <see cref="TrainingLoop"/>.</summary>
/// <param name="Loss">
/// A float32 scalar to minimise, with its graph; it belongs to the step's dispose scope, which the loop owns.
/// </param>
/// <param name="RealTokens">Non-padding tokens the step processed, for tokens/s (e.g. <c>SequenceBatch.RealTokens</c>).</param>
public readonly record struct StepLoss(Tensor Loss, long RealTokens);
