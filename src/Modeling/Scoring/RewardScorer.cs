using AlpacaFarm.Abstractions.Artifacts;
using AlpacaFarm.Abstractions.Compute;
using AlpacaFarm.Modeling.Checkpoints;
using AlpacaFarm.Modeling.Runtime;
using AlpacaFarm.Modeling.Tokenization;
using AlpacaFarm.Modeling.Training;

namespace AlpacaFarm.Modeling.Scoring;

/// <summary>
/// A reward-model checkpoint as a scorer: rewards of (instruction, response) texts, for Best-of-n, PPO's rollouts,
/// Quark's reward bins or Expert Iteration's filter. Scoring runs without gradients on the calling thread.
/// </summary>
public sealed class RewardScorer : IDisposable
{
    private readonly RewardModel _model;
    private readonly WordTokenizer _tokenizer;
    private readonly int _batchSize;

    private RewardScorer(ArtifactHandle handle, RewardModel model, WordTokenizer tokenizer, int batchSize)
    {
        Handle = handle;
        _model = model;
        _tokenizer = tokenizer;
        _batchSize = batchSize;
    }

    /// <summary>
    /// Opens a reward-model handle (checked intact) on the device of <paramref name="compute"/> (libtorch's thread count is the
    /// host's, set once per run);
    /// <paramref name="batchSize"/> texts go through each forward pass.
    /// </summary>
    public static RewardScorer Open(ArtifactHandle handle, ComputeResources compute, int batchSize = 32)
    {
        ArgumentNullException.ThrowIfNull(handle);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var (model, tokenizer) = Checkpoint.LoadRewardModel(handle, TorchDevice.Of(compute));
        return new RewardScorer(handle, model, tokenizer, batchSize);
    }

    /// <summary>The reward model this scorer opened.</summary>
    public ArtifactHandle Handle { get; }

    /// <summary>The tokenizer saved with the reward model.</summary>
    public ITokenizer Tokenizer => _tokenizer;

    /// <summary>The reward of each (instruction, response), in the items' order; higher is better.</summary>
    public float[] Score(IReadOnlyList<(string Instruction, string Response)> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        return _model.Score(_tokenizer, items, _batchSize);
    }

    /// <summary>Frees the model's tensors.</summary>
    public void Dispose() => _model.Dispose();
}
