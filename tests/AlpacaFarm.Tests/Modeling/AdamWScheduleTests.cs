using AlpacaFarm.Modeling.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace AlpacaFarm.Tests.Modeling;

/// <summary>The optimiser wrapper the trainers share: warm-up from the fraction, decay on matrices only, clipping.</summary>
[Collection(TorchCollection.Name)]
public sealed class AdamWScheduleTests
{
    [Fact]
    public void Steps_follow_the_warm_up_decay_matrices_only_and_report_the_unclipped_norm()
    {
        using var scope = NewDisposeScope();
        using var layer = nn.Linear(2, 1);
        using (torch.no_grad())
        {
            layer.weight!.copy_(torch.tensor(new[] { 1f, -2f }).reshape(1, 2));
            layer.bias!.copy_(torch.tensor(new[] { 0.5f }));
        }
        // 4 steps, warm-up round(0.5 · 4) = 2 steps, peak 0.1, floor 0.01.
        var options = new TrainingOptions(LearningRate: 0.1, WarmupFraction: 0.5, MinLearningRateRatio: 0.1, WeightDecay: 0.5, MaxGradNorm: 1.0);
        using var schedule = new AdamWSchedule(layer, options, totalSteps: 4);
        var input = torch.tensor(new[] { 3f, 4f }).reshape(1, 2);
        var rates = new List<double>();
        var norms = new List<double>();
        var weights = new List<float[]>();
        var biases = new List<float>();
        for (var step = 0; step < 2; step++)
        {
            rates.Add(schedule.LearningRate);
            schedule.ZeroGrad();
            layer.forward(input).sum().backward(); // gradients: weight (3, 4), bias 1, whatever the parameters
            norms.Add(schedule.Step());
            weights.Add([.. layer.weight!.data<float>()]);
            biases.Add(layer.bias!.data<float>()[0]);
        }
        rates.Add(schedule.LearningRate);

        // By hand. Rates: warm-up 0.1 · 1/2, 0.1 · 2/2, then the cosine at progress 0: 0.01 + 0.09 · (1 + cos 0) / 2.
        Assert.Equal([0.05, 0.1, 0.1], rates.Select(rate => Math.Round(rate, 12)));
        Assert.Equal(2, schedule.StepsTaken);
        // The norm before clipping: √(3² + 4² + 1²) = √26.
        Assert.All(norms, norm => Assert.Equal(Math.Sqrt(26), norm, 5));
        // A first Adam step with a constant gradient moves each parameter by lr · sign(g) (m̂/√v̂ = g/|g|, clipped or not),
        // after decoupled decay p · (1 − lr · 0.5) on the weight only:
        // step 1 (lr 0.05): weight (1, −2) · 0.975 − 0.05 = (0.925, −2.0); bias 0.5 − 0.05 = 0.45 (decayed, it would be 0.4375);
        // step 2 (lr 0.1):  weight (0.925, −2) · 0.95 − 0.1 = (0.77875, −2.0); bias 0.45 − 0.1 = 0.35.
        Assert.Equal([0.925f, -2.0f], weights[0].Select(w => MathF.Round(w, 5)));
        Assert.Equal([0.77875f, -2.0f], weights[1].Select(w => MathF.Round(w, 5)));
        Assert.Equal([0.45f, 0.35f], biases.Select(b => MathF.Round(b, 5)));
    }

    [Theory]
    [InlineData(null, 1e-6 / (1e-6 + 1e-8))] // TorchSharp's ε: a tiny gradient still moves the parameter by nearly lr
    [InlineData(1e-5, 1e-6 / (1e-6 + 1e-5))] // AlpacaFarm's PPO ε: the same gradient moves it by a tenth of that
    public void Adam_epsilon_sets_how_far_a_tiny_gradient_moves_a_parameter(double? epsilon, double expectedMove)
    {
        using var scope = NewDisposeScope();
        var parameter = new TorchSharp.Modules.Parameter(torch.zeros(1));
        using var module = new ParameterHolder(parameter);
        using var schedule = new AdamWSchedule(module, new TrainingOptions(LearningRate: 1, WarmupFraction: 0, WeightDecay: 0, MaxGradNorm: 0) { AdamEpsilon = epsilon }, totalSteps: 1);

        schedule.ZeroGrad();
        parameter.mul(1e-6).sum().backward(); // gradient 1e-6
        schedule.Step();

        // A first Adam step moves a parameter by lr · m̂ / (√v̂ + ε) = g / (|g| + ε), by hand.
        Assert.Equal(-expectedMove, parameter.data<float>()[0], 4);
    }

    private sealed class ParameterHolder : nn.Module
    {
        private readonly TorchSharp.Modules.Parameter value;

        public ParameterHolder(TorchSharp.Modules.Parameter value) : base(nameof(ParameterHolder))
        {
            this.value = value;
            RegisterComponents();
        }
    }

    [Fact]
    public void Without_clipping_the_step_reports_no_norm()
    {
        using var scope = NewDisposeScope();
        using var layer = nn.Linear(2, 1);
        using var schedule = new AdamWSchedule(layer, new TrainingOptions(MaxGradNorm: 0), totalSteps: 1);
        layer.forward(torch.ones(1, 2)).sum().backward();

        Assert.True(double.IsNaN(schedule.Step()));
    }
}
