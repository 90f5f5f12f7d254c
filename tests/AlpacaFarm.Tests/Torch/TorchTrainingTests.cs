using AlpacaFarm.Modeling.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace AlpacaFarm.Tests.Torch;

[Collection(TorchCollection.Name)]
public sealed class TorchTrainingTests
{
    [Fact]
    public void Forward_backward_and_adam_steps_reduce_the_loss()
    {
        var (first, last) = Train(seed: 7);

        Assert.True(last < first * 0.5, $"loss went from {first} to {last}");
    }

    [Fact]
    public void Training_is_reproducible_from_the_seed()
    {
        Assert.Equal(Train(seed: 11), Train(seed: 11));
        Assert.NotEqual(Train(seed: 11), Train(seed: 12));
    }

    [Fact]
    public void A_keyed_generator_gives_the_same_samples_for_the_same_key()
    {
        using var a = torch.randn(8, generator: TorchSeeding.Generator("test-samples", "k", 3));
        using var b = torch.randn(8, generator: TorchSeeding.Generator("test-samples", "k", 3));
        using var c = torch.randn(8, generator: TorchSeeding.Generator("test-samples", "other", 3));

        Assert.True(a.allclose(b, rtol: 0, atol: 0));
        Assert.False(a.allclose(c, rtol: 0, atol: 0));
    }

    // A two-layer regression on a fixed random problem: returns the first and last loss.
    private static (float First, float Last) Train(long seed)
    {
        using var scope = NewDisposeScope();
        TorchSeeding.SeedGlobal("test-init", "mlp", seed);
        var data = TorchSeeding.Generator("test-data", "mlp", seed);
        var x = torch.randn(64, 8, generator: data);
        var y = (x.sum(1, keepdim: true) * 0.5).tanh();
        using var model = nn.Sequential(nn.Linear(8, 32), nn.Tanh(), nn.Linear(32, 1));
        using var optimizer = optim.Adam(model.parameters(), lr: 0.01);
        float first = 0, last = 0;
        for (var step = 0; step < 100; step++)
        {
            using var stepScope = NewDisposeScope();
            optimizer.zero_grad();
            var loss = nn.functional.mse_loss(model.forward(x), y);
            loss.backward();
            optimizer.step();
            last = loss.item<float>();
            if (step == 0) first = last;
        }
        return (first, last);
    }
}
