namespace AlpacaFarm.Leaderboard;

public enum SaveOutcome
{
    /// <summary>The name was new on its board.</summary>
    Inserted,

    /// <summary>The same content and seed were already stored under the name, as complete as this run: nothing was written.</summary>
    Unchanged,

    /// <summary>The old submission and everything under it was deleted and the new one written.</summary>
    Replaced,

    /// <summary>The same content and seed were stored with unjudged pairs; this run judged more of them and took its place.</summary>
    Completed,
}
