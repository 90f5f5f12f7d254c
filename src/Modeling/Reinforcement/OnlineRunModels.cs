using AlpacaFarm.Abstractions.Methods;
using AlpacaFarm.Modeling.Checkpoints;
using AlpacaFarm.Modeling.Runtime;
using AlpacaFarm.Modeling.Tokenization;
using AlpacaFarm.Modeling.Training;
using AlpacaFarm.Modeling.Transformer;
using TorchSharp;

namespace AlpacaFarm.Modeling.Reinforcement;

/// <summary>
/// What an online method (PPO, Quark) trains with, on the run's device: the policy to train (the SFT policy), the SFT
/// policy again, frozen, as the KL reference, and the proxy reward model, frozen.
/// </summary>
public sealed class OnlineRunModels : IDisposable
{
    private OnlineRunModels(torch.Device device, CausalTransformer policy, WordTokenizer tokenizer, CausalTransformer reference, RewardModel rewardModel)
    {
        Device = device;
        Policy = policy;
        Tokenizer = tokenizer;
        Reference = reference;
        RewardModel = rewardModel;
    }

    /// <summary>The device every model is on.</summary>
    public torch.Device Device { get; }

    /// <summary>The policy being trained.</summary>
    public CausalTransformer Policy { get; private set; }

    /// <summary>The policy's tokenizer.</summary>
    public WordTokenizer Tokenizer { get; private set; }

    /// <summary>The SFT policy, frozen: the KL anchor.</summary>
    public CausalTransformer Reference { get; }

    /// <summary>The proxy reward model, frozen.</summary>
    public RewardModel RewardModel { get; }

    /// <summary>
    /// Checks the run's schedule and split, then loads the three models of <paramref name="spec"/>.
    /// </summary>
    /// <param name="method">The method's name, for the messages.</param>
    /// <exception cref="ArgumentException">Warm-up steps not fewer than the total.</exception>
    /// <exception cref="InvalidOperationException">No unlabeled instruction to roll out on.</exception>
    public static OnlineRunModels Load(MethodRunSpec spec, int warmupSteps, int totalSteps, string method)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (warmupSteps >= totalSteps && warmupSteps > 0)
            throw new ArgumentException($"warmup_steps ({warmupSteps}) must be fewer than total_steps ({totalSteps})");
        if (spec.Splits.Unlabeled.Count == 0) throw new InvalidOperationException($"the unlabeled split is empty: {method} has nothing to roll out on");

        var device = TorchDevice.Of(spec.Compute);
        var (policy, tokenizer) = Checkpoint.LoadPolicy(spec.SftPolicy, device);
        var (reference, _) = Checkpoint.LoadPolicy(spec.SftPolicy, device);
        var (rewardModel, _) = Checkpoint.LoadRewardModel(spec.RewardModel, device);
        foreach (var parameter in reference.parameters().Concat(rewardModel.parameters())) parameter.requires_grad = false;
        return new OnlineRunModels(device, policy, tokenizer, reference, rewardModel);
    }

    /// <summary>Puts <paramref name="policy"/> (e.g. one with a grown vocabulary) in the trained policy's place, disposing the old one.</summary>
    public void ReplacePolicy(CausalTransformer policy, WordTokenizer tokenizer)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(tokenizer);
        if (!ReferenceEquals(policy, Policy)) Policy.Dispose();
        (Policy, Tokenizer) = (policy, tokenizer);
    }

    /// <summary>Frees the three models.</summary>
    public void Dispose()
    {
        Policy.Dispose();
        Reference.Dispose();
        RewardModel.Dispose();
    }
}
