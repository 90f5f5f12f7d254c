using AlpacaFarm.Modeling.Training;

namespace AlpacaFarm.Runner.Farm;

/// <summary>
/// Progress of a long farm job: which stage, and within it a step out of a total (with training metrics when training,
/// and a method's own metrics, such as PPO's reward and KL, when a method plugin reports them). <see cref="Overall"/> marks
/// the benchmark's one overall bar, whose <see cref="Stage"/> text changes from stage to stage.
/// </summary>
public sealed record TrainingStage(string Stage, int Step, int Total, TrainingProgress? Training = null, IReadOnlyDictionary<string, double>? Metrics = null,
    bool Overall = false);
