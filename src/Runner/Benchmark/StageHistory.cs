using System.Text.Json;

namespace AlpacaFarm.Runner.Benchmark;

/// <summary>
/// The last time each stage of each recipe took to make (not to find stored), kept in the home's stage-times.json so the
/// next benchmark can give an ETA. A hint only: a file that cannot be read counts as empty, and two processes that
/// write it at once each leave a whole file (written aside, then renamed into place), the later one winning.
/// </summary>
public sealed class StageHistory
{
    public const string FileName = "stage-times.json";

    private readonly string _path;
    private readonly Dictionary<string, Dictionary<string, double>> _seconds;

    private StageHistory(string path, Dictionary<string, Dictionary<string, double>> seconds) => (_path, _seconds) = (path, seconds);

    /// <summary>The history of the home at <paramref name="homePath"/> (empty when it has none yet).</summary>
    public static StageHistory Open(string homePath)
    {
        var path = Path.Combine(homePath, FileName);
        try
        {
            return new StageHistory(path, File.Exists(path)
                ? JsonSerializer.Deserialize<Dictionary<string, Dictionary<string, double>>>(File.ReadAllText(path)) ?? []
                : []);
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            return new StageHistory(path, []);
        }
    }

    /// <summary>Seconds the stage took last time it was made with this recipe; null when it never was.</summary>
    public double? Seconds(string recipe, string stage) =>
        _seconds.TryGetValue(recipe, out var stages) && stages.TryGetValue(stage, out var seconds) ? seconds : null;

    /// <summary>Records a stage just made and writes the file.</summary>
    public void Record(string recipe, string stage, TimeSpan wall)
    {
        if (!_seconds.TryGetValue(recipe, out var stages)) _seconds[recipe] = stages = [];
        stages[stage] = Math.Round(wall.TotalSeconds, 1);
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
            var aside = $"{_path}.{Environment.ProcessId}.tmp";
            File.WriteAllText(aside, JsonSerializer.Serialize(_seconds, new JsonSerializerOptions { WriteIndented = true }));
            File.Move(aside, _path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Only an ETA hint is lost.
        }
    }
}
