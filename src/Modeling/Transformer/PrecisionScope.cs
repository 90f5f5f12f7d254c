using AlpacaFarm.Abstractions.Compute;
using static TorchSharp.torch;

namespace AlpacaFarm.Modeling.Transformer;

/// <summary>
/// Runs every <see cref="CausalTransformer"/> in some modules (each module itself and its submodules) in one precision
/// until disposed, then gives each its own back: the training loops' way to train in <see cref="ComputeResources.Precision"/>
/// while generation and scoring outside them stay in the models' own.
/// </summary>
public sealed class PrecisionScope : IDisposable
{
    private readonly (CausalTransformer Model, MatmulPrecision Was)[] _saved;

    /// <summary>Sets every transformer in <paramref name="modules"/> to <paramref name="precision"/>.</summary>
    public PrecisionScope(MatmulPrecision precision, params nn.Module[] modules)
    {
        _saved = [.. modules.SelectMany(module => module.modules().Prepend(module)).OfType<CausalTransformer>().Distinct().Select(model => (model, model.Precision))];
        foreach (var (model, _) in _saved) model.Precision = precision;
    }

    /// <summary>The precision <paramref name="compute"/> asks training to run in.</summary>
    public static MatmulPrecision Of(ComputeResources compute)
    {
        ArgumentNullException.ThrowIfNull(compute);
        return compute.Precision switch
        {
            ComputeResources.Fp32 => MatmulPrecision.Fp32,
            ComputeResources.Bf16Mixed => MatmulPrecision.Bf16Mixed,
            var other => throw new ArgumentException($"unknown precision '{other}'", nameof(compute)),
        };
    }

    /// <summary>Gives each transformer the precision it had.</summary>
    public void Dispose()
    {
        foreach (var (model, was) in _saved) model.Precision = was;
    }
}
