namespace AlpacaFarm.Evaluation.Preferences;

/// <summary>One row of the shared preference data: a pair and the training pool's label (1 = output_1 preferred).</summary>
public sealed record LabelledPair(
    string Instruction,
    string Output1,
    string Output2,
    double Preference,
    string Annotator,
    double Price,
    double TimeSeconds);
