using AlpacaFarm.Abstractions.Methods;
using AlpacaFarm.Abstractions.Policies;
using AlpacaFarm.Modeling.Checkpoints;
using AlpacaFarm.Modeling.Data;
using AlpacaFarm.Modeling.Runtime;
using AlpacaFarm.Modeling.Training;
using AlpacaFarm.Modeling.Transformer;

namespace AlpacaFarm.Plugins.FeedMe;

/// <summary>
/// Binary reward conditioning, as the AlpacaFarm paper describes it (it ships no code): the SFT policy's vocabulary
/// grows by two control tokens; each shared pair (draws dropped) becomes two supervised examples, [&lt;good&gt;, x,
/// y_chosen] and [&lt;bad&gt;, x, y_rejected], trained with SFT's loss and loop; the policy then decodes with &lt;good&gt;.
/// </summary>
public sealed class BinaryRewardConditioningMethod : IMethod
{
    /// <summary>Written into the returned checkpoint; bump when training behaviour changes.</summary>
    public const string CodeVersion = "binary-reward-conditioning/1";

    /// <summary>The control token of preferred responses, which the trained policy decodes with.</summary>
    public const string Good = "<good>";

    /// <summary>The control token of dispreferred responses.</summary>
    public const string Bad = "<bad>";

    public MethodDescriptor Descriptor { get; } = new(
        Id: "binary-reward-conditioning",
        DisplayName: "Binary reward conditioning",
        Version: "1.1.0",
        Kind: MethodKind.TrainingTime,
        Description: "Fine-tunes on both outputs of each pair prefixed with a good/bad control token; generates with the good token.",
        PaperReference: "Keskar et al. 2019; Liu et al. 2023; AlpacaFarm (Dubois et al. 2023) §4",
        Hyperparameters: new FineTuneHyperparameters(3e-4, 1, 32, 0.03, "conditioned examples (two per pair)",
            FineTuneHyperparameters.PaperSft("SFT's; the paper gives none")).Table(),
        IsImplemented: true);

    public Task<IPolicy> RunAsync(MethodContext context, CancellationToken cancellationToken)
    {
        var spec = context.Spec;
        var rows = PreferencePairs.Read(spec.PreferenceData);
        var pairs = PreferencePairs.Examples(rows);
        if (pairs.Count == 0) throw new InvalidOperationException("the shared preference data has no pair with a preference: reward conditioning has nothing to learn from");
        List<SftExample> conditioned = [.. pairs.SelectMany(pair => new[]
        {
            new SftExample(pair.Instruction, pair.Chosen, Good),
            new SftExample(pair.Instruction, pair.Rejected, Bad),
        })];

        var (sft, words) = Checkpoint.LoadPolicy(spec.SftPolicy, TorchDevice.Of(spec.Compute));
        var tokenizer = words.WithControlTokens(Good, Bad);
        using var model = ControlTokenGrowth.Grow(sft, tokenizer.ControlTokens.Count - words.ControlTokens.Count,
            TorchSeeding.Generator("reward-conditioning-tokens", "good,bad", spec.Seed));
        sft.Dispose();
        return Task.FromResult(PairFineTune.Run(context, model, tokenizer, conditioned,
            $"{conditioned.Count} conditioned examples from {pairs.Count} pairs ({rows.Count - pairs.Count} draws dropped)", CodeVersion,
            $"binary reward conditioning (decodes with {Good})", decodeControl: Good, cancellationToken));
    }
}
