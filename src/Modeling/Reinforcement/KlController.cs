namespace AlpacaFarm.Modeling.Reinforcement;

/// <summary>The weight of the KL penalty to the reference policy, per PPO step.</summary>
public abstract class KlController
{
    /// <summary>The coefficient the next rollouts' rewards are shaped with.</summary>
    public abstract double Value { get; }

    /// <summary>Told the mean KL of the step's rollouts (summed over response tokens) and how many rollouts it saw.</summary>
    public abstract void Update(double meanKl, int rollouts);

    /// <summary>State to save with a checkpoint (the coefficient; a fixed one never changes).</summary>
    public abstract double State { get; }

    /// <summary>A controller that never changes its coefficient.</summary>
    public static KlController Fixed(double value) => new FixedKl(value);

    /// <summary>
    /// Ziegler et al.'s adaptive controller: e = clip(KL / target − 1, −0.2, 0.2), then β ← β·(1 + e·rollouts / horizon),
    /// so β grows while the policy drifts past the target KL and shrinks while it stays within it.
    /// </summary>
    public static KlController Adaptive(double initial, double target, double horizon) => new AdaptiveKl(initial, target, horizon);

    private sealed class FixedKl(double value) : KlController
    {
        public override double Value => value;

        public override double State => value;

        public override void Update(double meanKl, int rollouts)
        {
        }
    }

    private sealed class AdaptiveKl(double initial, double target, double horizon) : KlController
    {
        private double _value = initial;

        public override double Value => _value;

        public override double State => _value;

        public override void Update(double meanKl, int rollouts)
        {
            var error = Math.Clamp(meanKl / target - 1, -0.2, 0.2);
            _value *= 1 + error * rollouts / horizon;
        }
    }
}
