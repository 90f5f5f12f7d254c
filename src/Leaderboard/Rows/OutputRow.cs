namespace AlpacaFarm.Leaderboard;

internal sealed class OutputRow
{
    public int RowIndex { get; init; }
    public string Instruction { get; init; } = "";
    public string Output { get; init; } = "";
    public string Generator { get; init; } = "";
    public string Dataset { get; init; } = "";

    public SubmittedOutput ToRecord() => new(RowIndex, Instruction, Output, Generator, Dataset);
}
