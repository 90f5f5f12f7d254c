using System.Globalization;
using System.Text.Json;
using AlpacaFarm.Abstractions.Randomness;

namespace AlpacaFarm.Simulation;

/// <summary>
/// The simulated humans: Bradley–Terry on gold at <see cref="FarmGold.HumanTemperature"/>. Internal on purpose: only the
/// host's evaluator and the tests can ask them; a plugin cannot.
/// </summary>
internal static class FarmHumans
{
    /// <summary>Humans per pair, as in AlpacaFarm's cross-annotations.</summary>
    public const int PerPair = 4;

    /// <summary>Human <paramref name="human"/>'s vote on (A, B): 1 for A, 2 for B; keyed on the pair, the human and the seed.</summary>
    public static int Vote(string instruction, string outputA, string outputB, int human, long seed)
    {
        var p = FarmGold.HumanPreferenceProbability(instruction, outputA, outputB);
        return Vote(p, instruction, outputA, outputB, human, seed);
    }

    /// <summary>The same vote when P(A ≻ B) is already known.</summary>
    public static int Vote(double probabilityA, string instruction, string outputA, string outputB, int human, long seed)
    {
        var key = JsonSerializer.Serialize(new[] { instruction, outputA, outputB, human.ToString(CultureInfo.InvariantCulture) });
        return KeyedRandom.Uniform("farm-human", key, seed) < probabilityA ? 1 : 2;
    }
}
