namespace AlpacaFarm.Modeling.Data;

/// <summary>One row of the shared preference data: a pair and the training pool's label.</summary>
/// <param name="Instruction">The instruction both outputs answer.</param>
/// <param name="Output1">The first output (an SFT sample).</param>
/// <param name="Output2">The second output.</param>
/// <param name="Preference">In [1, 2]: 1 = <paramref name="Output1"/> preferred, 2 = <paramref name="Output2"/> preferred, 1.5 = draw.</param>
/// <param name="Annotator">The pool member that judged (or the noise source for a flipped label).</param>
/// <param name="Price">Dollars the label cost (0 when cached or coin-flipped).</param>
/// <param name="TimeSeconds">Annotator time it took.</param>
public sealed record LabelledPair(
    string Instruction,
    string Output1,
    string Output2,
    double Preference,
    string Annotator,
    double Price,
    double TimeSeconds);
