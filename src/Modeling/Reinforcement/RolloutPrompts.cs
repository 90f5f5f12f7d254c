using System.Globalization;
using AlpacaFarm.Abstractions.Randomness;

namespace AlpacaFarm.Modeling.Reinforcement;

/// <summary>
/// Which instructions an online method (PPO, Quark) rolls out on at each step: the epochs' keyed orders of the
/// instructions laid end to end, rollout i of step s being the (s·B + i)-th. Epoch e's order is
/// KeyedRandom(<paramref name="purpose"/>, "epoch e", seed), so a step's batch depends only on its number: a resumed run
/// draws what the uninterrupted one would have.
/// </summary>
public sealed class RolloutPrompts(IReadOnlyList<string> instructions, string purpose, long seed)
{
    private readonly Dictionary<int, int[]> _epochOrders = [];

    /// <summary>The <paramref name="size"/> instructions of step <paramref name="step"/> (0-based).</summary>
    public string[] Batch(int step, int size)
    {
        var batch = new string[size];
        for (var i = 0; i < size; i++)
        {
            var position = (long)step * size + i;
            var epoch = (int)(position / instructions.Count);
            if (!_epochOrders.TryGetValue(epoch, out var order))
            {
                order = [.. Enumerable.Range(0, instructions.Count)];
                KeyedRandom.Create(purpose, string.Create(CultureInfo.InvariantCulture, $"epoch {epoch}"), seed).Shuffle(order);
                _epochOrders[epoch] = order;
            }
            batch[i] = instructions[order[position % instructions.Count]];
        }
        return batch;
    }
}
