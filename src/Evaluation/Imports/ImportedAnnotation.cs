namespace AlpacaFarm.Evaluation.Imports;

/// <summary>One row of an AlpacaEval annotations.json: output_1 is the reference, output_2 the model.</summary>
/// <param name="Preference">1 = reference, 2 = model, 1.5 or legacy 0 = draw, null = unparsed.</param>
public sealed record ImportedAnnotation(
    string Instruction,
    string Output1,
    string Generator1,
    string Output2,
    string Generator2,
    string Dataset,
    string Annotator,
    double? Preference,
    double Price,
    double TimeSeconds);
