using System.Diagnostics;
using AlpacaFarm.Modeling.Transformer;
using static TorchSharp.torch;

namespace AlpacaFarm.Modeling.Training;

/// <summary>
/// The one optimisation loop every trainer shares (SFT, the reward model, and the methods' own objectives): batches
/// of example indices in a keyed order, AdamW with warm-up, cosine decay and clipping (<see cref="AdamWSchedule"/>),
/// each step in its own dispose scope, cancellation between steps, and progress reports.
/// </summary>
/// <remarks>
/// The order of operations is fixed, since cached artifacts are keyed on the trainers' code versions and must not
/// change under them: read the step's learning rate, zero the gradients, compute the loss, back-propagate, step the
/// optimiser, record <c>loss.item&lt;float&gt;()</c>. Runs synchronously on the calling thread (dispose scopes are per thread).
/// </remarks>
public static class TrainingLoop
{
    /// <summary>
    /// Trains <paramref name="module"/> in place for <see cref="TrainingOptions.TotalSteps"/> steps and leaves it in
    /// evaluation mode. Every <see cref="CausalTransformer"/> in it trains in <see cref="TrainingOptions.Precision"/>
    /// and gets its own precision back afterwards.
    /// </summary>
    /// <param name="module">The module whose trainable parameters the optimiser updates.</param>
    /// <param name="options">Optimisation settings; their seed keys the example order.</param>
    /// <param name="examples">How many training examples there are; steps receive indices in [0, examples).</param>
    /// <param name="orderPurpose">
    /// Names the example order: each epoch is shuffled by KeyedRandom(<paramref name="orderPurpose"/>, "epoch N", seed),
    /// so trainers with different purposes draw independent orders from one seed (e.g. "sft-order", "reward-order").
    /// </param>
    /// <param name="step">Builds one batch from the indices and returns its loss; called inside the step's dispose scope.</param>
    /// <param name="progress">Told every <see cref="TrainingOptions.ProgressEvery"/> steps and at the last.</param>
    /// <param name="cancellationToken">Checked before each step.</param>
    /// <param name="epochEnd">
    /// Called with the epoch's number (1-based) after the step that ends each epoch (and after the last step), in the
    /// training step's dispose scope and in training mode: for held-out measurements (wrap them in <c>torch.no_grad()</c>).
    /// </param>
    public static TrainingResult Run(
        nn.Module module, TrainingOptions options, int examples, string orderPurpose, Func<int[], StepLoss> step,
        IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default, Action<int>? epochEnd = null)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(step);
        if (options.Problem() is { } problem) throw new ArgumentException(problem, nameof(options));
        ArgumentException.ThrowIfNullOrEmpty(orderPurpose);
        ArgumentOutOfRangeException.ThrowIfLessThan(examples, 1);
        var totalSteps = options.TotalSteps(examples);
        var stepsPerEpoch = (int)Math.Ceiling(examples / (double)options.BatchSize);
        using var schedule = new AdamWSchedule(module, options, totalSteps);
        var losses = new List<double>(totalSteps);
        var clock = Stopwatch.StartNew();
        long tokens = 0;
        using var precision = new PrecisionScope(options.Precision, module);
        module.train();
        foreach (var indices in Examples.Batches(examples, options, orderPurpose, totalSteps))
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            var rate = schedule.LearningRate;
            schedule.ZeroGrad();
            var (loss, realTokens) = step(indices);
            loss.backward();
            schedule.Step();
            losses.Add(loss.item<float>());
            tokens += realTokens;
            var done = losses.Count;
            if (progress is not null && (done % options.ProgressEvery == 0 || done == totalSteps))
                progress.Report(new TrainingProgress(done, totalSteps, losses[^1], rate, TokensPerSecond(tokens, clock)));
            if (epochEnd is not null && (done % stepsPerEpoch == 0 || done == totalSteps)) epochEnd((done + stepsPerEpoch - 1) / stepsPerEpoch);
        }
        module.eval();
        return new TrainingResult(losses, TokensPerSecond(tokens, clock));
    }

    private static double TokensPerSecond(long tokens, Stopwatch clock) => tokens / Math.Max(1e-9, clock.Elapsed.TotalSeconds);
}
