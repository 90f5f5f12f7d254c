namespace AlpacaFarm.Leaderboard;

/// <summary>What a leaderboard name may be: it is shown in tables, Markdown, CSV and HTML, so one line of visible text.</summary>
public static class SubmissionName
{
    public const int MaxLength = 200;

    /// <summary>Why <paramref name="name"/> cannot name a row, or null when it can.</summary>
    public static string? Problem(string? name) => name switch
    {
        null or "" => "is empty",
        _ when string.IsNullOrWhiteSpace(name) => "is blank",
        _ when name.Any(char.IsControl) => "contains a control character (a newline or tab, say)",
        _ when name.Trim() != name => "starts or ends with white space",
        _ when name.Length > MaxLength => $"is longer than {MaxLength} characters",
        _ => null,
    };
}
