using System.Text.RegularExpressions;
using AlpacaFarm.Leaderboard;
using AlpacaFarm.Runner.Evaluation;

namespace AlpacaFarm.Runner.Configuration;

/// <summary>
/// What the database says the home's files are for, read at one moment and read-only (nothing is created, a home without a
/// database needs nothing): the items stored rows name by path (a row's run folder, its outputs file, the policy folder it
/// scored), the content hashes their provenance names (the SFT policy, the pairs and the reward model a row was made from),
/// and the recorded runs by key.
/// </summary>
public sealed partial class StoredNeeds
{
    private readonly Dictionary<string, List<string>> _items = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<string>> _hashes = new(StringComparer.Ordinal);

    private StoredNeeds(ILookup<string, MethodRunRecord> runs) => Runs = runs;

    /// <summary>Recorded runs by run key.</summary>
    public ILookup<string, MethodRunRecord> Runs { get; }

    /// <summary>Why a stored row needs the item at <paramref name="relative"/> (runs/KEY, artifacts/KIND/HASH, outputs/...); null when none does.</summary>
    public string? ItemNeed(string relative) => _items.TryGetValue(relative, out var why) ? Describe(why) : null;

    /// <summary>Why a stored row needs the content <paramref name="sha256"/>; null when none names it.</summary>
    public string? HashNeed(string? sha256) => sha256 is not null && _hashes.TryGetValue(sha256, out var why) ? Describe(why) : null;

    public static StoredNeeds Read(string home)
    {
        using var store = LeaderboardStore.OpenReadOnly(Path.Combine(home, LeaderboardStore.FileName));
        var runs = store?.MethodRuns() ?? [];
        var needs = new StoredNeeds(runs.ToLookup(run => run.RunKey, StringComparer.Ordinal));
        if (store is null) return needs;

        // Each stored row, with the run key its provenance names (null for a row no method run made).
        var stored = new Dictionary<(string Board, string Row), string?>();
        foreach (var board in store.Boards())
        {
            foreach (var row in store.Ranking(board.Identity.Id, RankingOrder.WinRate))
            {
                stored[(row.BoardId, row.Name)] = row.Provenance.Run?.GetValueOrDefault("run_key");
                needs.Item(home, PolicyEvaluation.OutputsFile(home, board.Identity.EvaluationSetId, row.Name), $"row {row.Name}'s outputs");
                var provenance = row.Provenance;
                needs.Hash(provenance.FileSha256, $"row {row.Name}'s {(provenance.Kind == "outputs" ? "outputs file" : "policy")}");
                var values = provenance.Hyperparameters.Concat(provenance.Run ?? new Dictionary<string, string>());
                foreach (var (field, value) in values)
                {
                    if (Sha256().IsMatch(value)) needs.Hash(value, $"row {row.Name}'s {Role(field)}");
                    else if (field == "run_key") needs.Item(home, HomeLayout.RunFolder(home, value), $"row {row.Name}'s run");
                    else if (value.Contains('/', StringComparison.Ordinal) || Path.IsPathRooted(value)) needs.Item(home, value, $"row {row.Name}'s {field}");
                }
            }
        }
        foreach (var run in runs)
        {
            // A row of the same name that a later run stored with --replace is that run's, not this one's.
            if (run.Status == MethodRunStatus.Succeeded && run.BoardId is not null && run.RowName is not null
                && stored.TryGetValue((run.BoardId, run.RowName), out var rowKey) && (rowKey is null || rowKey == run.RunKey))
                needs.Item(home, HomeLayout.RunFolder(home, run.RunKey), $"row {run.RowName}'s run");
            // What a run reported outside its own folder (its checkpoints inside it do not make a failed run's folder needed).
            foreach (var artifact in store.MethodRunArtifacts(run.Id))
                if (ItemOf(home, artifact.Path) is { } item && !item.StartsWith(HomeLayout.Runs + "/", StringComparison.Ordinal))
                    needs.Add(needs._items, item, $"reported by run {run.RunKey[..12]}");
        }
        return needs;
    }

    private void Hash(string? sha256, string why)
    {
        if (sha256 is not null) Add(_hashes, sha256, why);
    }

    private void Item(string home, string path, string why)
    {
        if (ItemOf(home, path) is { } item) Add(_items, item, why);
    }

    private void Add(Dictionary<string, List<string>> into, string key, string why)
    {
        if (!into.TryGetValue(key, out var list)) into[key] = list = [];
        if (!list.Contains(why)) list.Add(why);
    }

    /// <summary>
    /// The item of this home a stored path names: runs/KEY, artifacts/KIND/ENTRY or a file under outputs/. Provenance keeps
    /// absolute paths as they were when the row was stored, so a path from before the home was moved or copied names the
    /// same item by its tail when that item exists here.
    /// </summary>
    private static string? ItemOf(string home, string path)
    {
        var full = HomeRelativePaths.Resolve(home, path);
        var relative = Path.GetRelativePath(home, full);
        var inside = !Path.IsPathRooted(relative) && relative != ".." && !relative.StartsWith(".." + Path.DirectorySeparatorChar, StringComparison.Ordinal);
        var segments = (inside ? relative : full).Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < segments.Length; i++)
        {
            if (inside && i > 0) break;
            var item = segments[i] switch
            {
                HomeLayout.Runs when i + 1 < segments.Length => string.Join('/', segments[i..(i + 2)]),
                HomeLayout.Artifacts when i + 2 < segments.Length && !segments[i + 1].StartsWith('.') => string.Join('/', segments[i..(i + 3)]),
                HomeLayout.Outputs when i + 1 < segments.Length => string.Join('/', segments[i..]),
                _ => null,
            };
            if (item is not null && (inside || Path.Exists(Path.Combine(home, item)))) return item;
        }
        return null;
    }

    private static string Role(string field) => field switch
    {
        "sft_sha256" => "SFT policy",
        "preference_data_sha256" => "preference pairs",
        "reward_model_sha256" => "reward model",
        _ => field,
    };

    private static string Describe(List<string> why) => why.Count == 1 ? why[0] : $"{why[0]} (and {why.Count - 1} more)";

    [GeneratedRegex("^[0-9a-f]{64}$")]
    private static partial Regex Sha256();
}
