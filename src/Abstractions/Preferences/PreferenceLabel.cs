namespace AlpacaFarm.Abstractions.Preferences;

/// <summary>A judgment: 1 = output 1 preferred, 2 = output 2 preferred, values between are soft (1.5 = draw).</summary>
/// <param name="Preference">In [1, 2]; NaN when no annotator could judge the pair.</param>
/// <param name="AnnotatorId">The pool member that judged (or the noise source for a flipped training label).</param>
/// <param name="Price">Dollars this label cost (0 when cached or coin-flipped).</param>
/// <param name="TimeSeconds">Annotator time it took.</param>
public sealed record PreferenceLabel(double Preference, string AnnotatorId, double Price, double TimeSeconds);
