using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AlpacaFarm.Modeling.Training;

/// <summary>
/// AdamW with linear warm-up, cosine decay to <see cref="TrainingOptions.MinLearningRateRatio"/> of the peak, and
/// global gradient-norm clipping. Weight decay applies to matrices (parameters of two or more dimensions) only.
/// </summary>
public sealed class AdamWSchedule : IDisposable
{
    private readonly AdamW _optimizer;
    private readonly Parameter[] _parameters;
    private readonly TrainingOptions _options;
    private readonly int _warmup;

    /// <summary>AdamW's ε when <see cref="TrainingOptions.AdamEpsilon"/> is not set (TorchSharp's and PyTorch's default).</summary>
    public const double DefaultEpsilon = 1e-8;

    /// <summary>An optimiser over <paramref name="module"/>'s trainable parameters for a run of <paramref name="totalSteps"/> steps.</summary>
    public AdamWSchedule(nn.Module module, TrainingOptions options, int totalSteps)
    {
        if (options.Problem() is { } problem) throw new ArgumentException(problem, nameof(options));
        _options = options;
        TotalSteps = Math.Max(1, totalSteps);
        _warmup = (int)Math.Round(options.WarmupFraction * TotalSteps);
        _parameters = [.. module.parameters().Where(p => p.requires_grad)];
        // ε goes to each group: TorchSharp's ParamGroup constructor sets its own (1e-8) over the optimiser's default.
        var epsilon = options.AdamEpsilon ?? DefaultEpsilon;
        _optimizer = torch.optim.AdamW(
        [
            new AdamW.ParamGroup(_parameters.Where(p => p.dim() >= 2), lr: options.LearningRate, eps: epsilon, weight_decay: options.WeightDecay),
            new AdamW.ParamGroup(_parameters.Where(p => p.dim() < 2), lr: options.LearningRate, eps: epsilon, weight_decay: 0),
        ], lr: options.LearningRate, eps: epsilon);
    }

    /// <summary>Steps the schedule spans (at least 1): the cosine reaches its floor at the last.</summary>
    public int TotalSteps { get; }

    /// <summary>Optimiser steps taken.</summary>
    public int StepsTaken { get; private set; }

    /// <summary>The learning rate the next step uses.</summary>
    public double LearningRate => LearningRateAt(StepsTaken, _options.LearningRate, _warmup, TotalSteps, _options.MinLearningRateRatio);

    /// <summary>The learning rate of (0-based) step <paramref name="step"/>: linear warm-up to the peak, then cosine decay.</summary>
    public static double LearningRateAt(int step, double peak, int warmupSteps, int totalSteps, double minRatio)
    {
        if (step < warmupSteps) return peak * (step + 1) / warmupSteps;
        var decaySteps = Math.Max(1, totalSteps - warmupSteps);
        var progress = Math.Clamp((step - warmupSteps) / (double)decaySteps, 0, 1);
        var floor = peak * minRatio;
        return floor + (peak - floor) * 0.5 * (1 + Math.Cos(Math.PI * progress));
    }

    /// <summary>Clears the parameters' gradients before a step's backward pass.</summary>
    public void ZeroGrad() => _optimizer.zero_grad();

    /// <summary>Clips gradients, sets this step's learning rate and updates the parameters; returns the gradient norm before clipping.</summary>
    public double Step()
    {
        var norm = _options.MaxGradNorm > 0
            ? nn.utils.clip_grad_norm_(_parameters, _options.MaxGradNorm)
            : double.NaN;
        var rate = LearningRate;
        foreach (var group in _optimizer.ParamGroups) group.LearningRate = rate;
        _optimizer.step();
        StepsTaken++;
        return norm;
    }

    /// <summary>
    /// Writes the optimiser's state (every parameter's moments and step count) to <paramref name="path"/>, for a resume
    /// that must continue bit for bit; <see cref="StepsTaken"/> is saved by the caller beside it.
    /// </summary>
    public void SaveState(string path) => _optimizer.save_state_dict(path);

    /// <summary>Restores what <see cref="SaveState"/> wrote, for a schedule built over the same module and options.</summary>
    public void LoadState(string path, int stepsTaken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(stepsTaken);
        _optimizer.load_state_dict(path);
        StepsTaken = stepsTaken;
    }

    /// <summary>Frees the optimiser's state.</summary>
    public void Dispose() => _optimizer.Dispose();
}
