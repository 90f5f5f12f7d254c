using AlpacaFarm.Abstractions.Methods;
using AlpacaFarm.Modeling.Reinforcement;

namespace AlpacaFarm.Plugins.Dpo;

/// <summary>
/// DPO's own hyperparameters, read once from the merged table (already checked against the typed table); the optimiser's
/// (learning_rate, epochs, batch_size, warmup_ratio) are SFT's names, read by <c>TrainingOptions.FineTune</c>.
/// </summary>
/// <param name="Beta">The β the chosen loss uses: <c>beta</c> for DPO and IPO, <c>simpo_beta</c> for SimPO.</param>
/// <param name="Gamma">SimPO's target margin; 0 for the others.</param>
/// <param name="BatchSize">Pairs per step, and per batch when scoring the reference and the held-out pairs.</param>
internal sealed record DpoSettings(PreferenceLoss Loss, double Beta, double Gamma, int BatchSize, int HeldOutPairs)
{
    public static DpoSettings From(IReadOnlyDictionary<string, string> values)
    {
        var loss = values["loss"] switch
        {
            "dpo" => PreferenceLoss.Dpo,
            "ipo" => PreferenceLoss.Ipo,
            "simpo" => PreferenceLoss.SimPo,
            var other => throw new HyperparameterException($"unknown loss '{other}' (known: dpo, ipo, simpo)"),
        };
        var simPo = loss == PreferenceLoss.SimPo;
        return new DpoSettings(loss, values.GetDouble(simPo ? "simpo_beta" : "beta"), simPo ? values.GetDouble("simpo_gamma") : 0,
            values.GetInt("batch_size"), values.GetInt("held_out_pairs"));
    }
}
