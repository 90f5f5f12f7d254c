using AlpacaFarm.Abstractions;

namespace AlpacaFarm.Modeling;

/// <summary>
/// The version of the modeling SDK plugins compile against (this assembly's public surface): plugin.json declares it as
/// sdkVersion, and the host checks it as it checks the contract version.
/// </summary>
/// <remarks>
/// 1.1.0: Reinforcement (GAE, whitening, the PPO objective, KL controllers).
/// 2.0.0: control tokens (ITokenizer's control members, a control slot in PromptFormat, SftExample and policy configs,
/// masked logits, ControlTokenGrowth); the pairwise objectives (PreferenceObjective); PreferencePairs.Examples and
/// SplitByInstruction; TrainingLoop's epoch hook. Signatures gained optional parameters, so plugins built for 1.x are refused.
/// 2.1.0: log-probabilities at a sampling temperature (LogProbs.OfResponses with a temperature, LogProbs.Tempered);
/// TrainingOptions.AdamEpsilon.
/// 2.2.0: the reward model's per-token readout (RewardModel.ScoreTokens) and per-token credit (RewardShaping.CreditTokens).
/// 2.3.0: one builder per artifact (ArtifactCache.GetOrCreate waits for another builder, with a callback and a token;
/// ExclusiveFileLock); ProcessorInfo.
/// 3.0.0: one compute path: the host sets libtorch's threads once per run (TorchDevice.Configure); models go to their device
/// with TorchDevice.Of and TorchDevice.Place (TorchDevice.Apply is gone); the native patch's ELF reader and its status left
/// the SDK for the host. What one method alone used left for its plugin: GAE and reward shaping (PPO), quantile bins and
/// Quark's objective (Quark), the pairwise objectives (DPO). What several share came in: FineTuneHyperparameters (with
/// PaperSft), SamplingOptions.MaxNewTokensHyperparameter, OnlineRunModels, StepCheckpoints (with its save_every row) and
/// StepCsvLog; the farm's text rule moved to the contract's CanonicalText (WordTokenizer.Split and Join are gone).
/// 3.1.0: speed without new arithmetic where possible. Repeated prompts are computed once (PromptSharing; the sampler's
/// prefill, RewardModel.Score's prompts; KvCache.AppendRows, KvCache.Rows, a KvCache.KeepRows index may repeat;
/// LogProbs.OfResponses from ids and mask); BestOfN.Select samples and scores a prompt batch's n draws together.
/// PrecisionScope (training in contract 3.1's ComputeResources.Precision; TrainingLoop uses it). ComputeMeter (every
/// forward's useful tokens and FLOPs).
/// 3.2.0: the group methods' building blocks (RLOO, GRPO in community/): GroupSampler and GroupRollout (k keyed samples per
/// prompt, scored under the policy, the reference and the reward model), GroupAdvantages (leave-one-out; group-normalised
/// with or without the std); TokenRows (per-token rows to and from tensors).
/// 3.3.0: packed rows (PackedRows, CausalTransformer.Hidden(PackedRows), SequenceBatch.Packed): a batch's forward pass packs
/// whole sequences into rows instead of padding prompts and responses apart; same states up to float rounding.
/// </remarks>
public static class SdkVersion
{
    /// <summary>Bumped when the public surface changes incompatibly: plugins built for another major are refused.</summary>
    public const int Major = 3;

    /// <summary>Bumped when the surface grows: a plugin built for a newer minor is refused by an older host.</summary>
    public const int Minor = 3;

    /// <summary>Fixes that change no surface.</summary>
    public const int Patch = 0;

    /// <summary>MAJOR.MINOR.PATCH.</summary>
    public static string Current => $"{Major}.{Minor}.{Patch}";

    /// <summary>Null when a plugin built against <paramref name="declared"/> can run here, else why not.</summary>
    public static string? Incompatibility(string declared) => VersionCompatibility.Problem("SDK", declared, Major, Minor, Patch);
}
