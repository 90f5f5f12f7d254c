namespace AlpacaFarm.Simulation;

/// <summary>The reference responder's output for any farm instruction: what every farm set (eval-805, validation) is judged against.</summary>
public static class FarmReferences
{
    /// <summary>The reference output of <paramref name="instruction"/>, as the current world's seed gives it.</summary>
    /// <exception cref="ArgumentException">Not an instruction of the farm world.</exception>
    public static string For(string instruction) =>
        FarmResponders.RespondAsReference(
            FarmTask.Parse(instruction) ?? throw new ArgumentException($"not a farm instruction: {instruction}", nameof(instruction)),
            FarmWorld.SplitSeed);
}
