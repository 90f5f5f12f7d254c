using AlpacaFarm.Modeling.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace AlpacaFarm.Modeling.Transformer;

/// <summary>
/// Grows a trained model's vocabulary by control tokens, as AlpacaFarm's Quark adds its reward tokens: the new
/// embedding rows start from the mean of the existing rows plus small keyed noise (a tenth of the existing rows'
/// standard deviation), so they begin as an average token yet tell each other apart. With tied embeddings the
/// language-model head grows with the table; an untied head's new rows start the same way. Every other weight is copied.
/// </summary>
public static class ControlTokenGrowth
{
    /// <summary>The noise's standard deviation, as a fraction of the existing rows' standard deviation.</summary>
    public const double NoiseScale = 0.1;

    /// <summary>A new model: <paramref name="model"/> with <paramref name="added"/> control-token ids after its vocabulary (the caller disposes both).</summary>
    public static CausalTransformer Grow(CausalTransformer model, int added, Generator noise)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfLessThan(added, 1);
        var config = model.Config with { VocabularySize = model.Config.VocabularySize + added, ControlTokens = model.Config.ControlTokens + added };
        var grown = new CausalTransformer(config, new Generator(0));
        var device = model.parameters().First().device;
        TorchDevice.Place(grown, device);
        grown.Precision = model.Precision;
        using var noGrad = no_grad();
        var source = model.state_dict();
        foreach (var (name, target) in grown.state_dict())
        {
            var old = source[name];
            if (old.shape.SequenceEqual(target.shape))
            {
                target.copy_(old);
                continue;
            }
            // The token embedding (or an untied head): [vocabulary, width]; old rows first, then the new ones.
            using var scope = NewDisposeScope();
            var rows = old.shape[0];
            target.narrow(0, 0, rows).copy_(old);
            using var scale = (old.std().item<float>() * NoiseScale).ToScalar();
            var jitter = torch.randn([added, old.shape[1]], generator: noise).to(old.device).mul(scale);
            target.narrow(0, rows, added).copy_(old.mean([0], keepdim: true).add(jitter, HeldScalars.One));
        }
        grown.eval();
        return grown;
    }
}
