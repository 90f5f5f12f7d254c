using AlpacaFarm.Abstractions.Methods;
using AlpacaFarm.Abstractions.Policies;
using AlpacaFarm.Modeling.Checkpoints;
using AlpacaFarm.Modeling.Data;
using AlpacaFarm.Modeling.Runtime;
using AlpacaFarm.Modeling.Training;

namespace AlpacaFarm.Plugins.FeedMe;

/// <summary>
/// Binary FeedME, as the AlpacaFarm paper describes it (it ships no code): supervised fine-tuning of the SFT policy on
/// the preferred output of each shared pair, draws dropped, with SFT's loss and loop.
/// </summary>
public sealed class BinaryFeedMeMethod : IMethod
{
    /// <summary>Written into the returned checkpoint; bump when training behaviour changes.</summary>
    public const string CodeVersion = "binary-feedme/1";

    public MethodDescriptor Descriptor { get; } = new(
        Id: "binary-feedme",
        DisplayName: "Binary FeedME",
        Version: "1.1.0",
        Kind: MethodKind.TrainingTime,
        Description: "Continues supervised fine-tuning of the SFT policy on the preferred output of each pair.",
        PaperReference: "OpenAI FeedME (2022); AlpacaFarm (Dubois et al. 2023) §4",
        Hyperparameters: new FineTuneHyperparameters(1e-4, 1, 32, 0.03, "chosen responses", FineTuneHyperparameters.PaperSft("SFT's; the paper gives none"),
            "validation sweep: plugins/FeedMe/README.md").Table(),
        IsImplemented: true);

    public Task<IPolicy> RunAsync(MethodContext context, CancellationToken cancellationToken)
    {
        var spec = context.Spec;
        var rows = PreferencePairs.Read(spec.PreferenceData);
        var chosen = PreferencePairs.Examples(rows).Select(pair => new SftExample(pair.Instruction, pair.Chosen)).ToList();
        if (chosen.Count == 0) throw new InvalidOperationException("the shared preference data has no pair with a preference: Binary FeedME has nothing to imitate");

        var (policy, tokenizer) = Checkpoint.LoadPolicy(spec.SftPolicy, TorchDevice.Of(spec.Compute));
        using var model = policy;
        return Task.FromResult(PairFineTune.Run(context, model, tokenizer, chosen,
            $"the chosen outputs of {chosen.Count} pairs ({rows.Count - chosen.Count} draws dropped)", CodeVersion,
            $"binary FeedME (chosen outputs of {chosen.Count} pairs)", decodeControl: null, cancellationToken));
    }
}
