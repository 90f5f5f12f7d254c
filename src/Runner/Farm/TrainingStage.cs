using AlpacaFarm.Modeling.Training;

namespace AlpacaFarm.Runner.Farm;

/// <summary>Progress of a long farm job: which stage, and within it a step out of a total (with training metrics when training).</summary>
public sealed record TrainingStage(string Stage, int Step, int Total, TrainingProgress? Training = null);
