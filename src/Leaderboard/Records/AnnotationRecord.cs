namespace AlpacaFarm.Leaderboard;

/// <summary>The annotator's verdict on one row; <see cref="Preference"/> is null where the annotator failed.</summary>
public sealed record AnnotationRecord(int Index, string Instruction, double? Preference, string Annotator, double Price, double TimeSeconds);
