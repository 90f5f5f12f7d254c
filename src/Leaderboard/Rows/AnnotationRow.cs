namespace AlpacaFarm.Leaderboard;

internal sealed class AnnotationRow
{
    public int RowIndex { get; init; }
    public string Instruction { get; init; } = "";
    public double? Preference { get; init; }
    public string Annotator { get; init; } = "";
    public double? Price { get; init; }
    public double? TimeSeconds { get; init; }

    public AnnotationRecord ToRecord() => new(RowIndex, Instruction, Preference, Annotator, Real.Read(Price), Real.Read(TimeSeconds));
}
