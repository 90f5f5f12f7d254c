using System.Text.Json;
using AlpacaFarm.Testing;
using AlpacaFarm.Tests.Judges;

namespace AlpacaFarm.Tests.Cli;

/// <summary>
/// A temporary folder with a reference file and an outputs file of a few instructions in AlpacaEval's format, a home,
/// and one-judge pool files for loopback servers: evaluations in milliseconds that need no shared data. The model's
/// output is always the longer one.
/// </summary>
public sealed class SmallSet : IDisposable
{
    public SmallSet(int rows = 8)
    {
        Environment.SetEnvironmentVariable(JudgeFixtures.KeyVariable, JudgeFixtures.Key);
        Folder = Directory.CreateTempSubdirectory("alpacafarm-small-").FullName;
        Instructions = Enumerable.Range(0, rows).Select(i => $"Instruction number {i}?").ToList();
        Reference = Write("reference.json", Instructions.Select(i => Row(i, $"Ref {i}.", "reference-model")));
        Outputs = Write("outputs.json", Instructions.Select(i => Row(i, $"A longer model answer to {i}.", "my-model")));
    }

    public string Folder { get; }

    /// <summary>The home evaluations use (not created until a command writes there).</summary>
    public string Home => Path.Combine(Folder, "home");

    public IReadOnlyList<string> Instructions { get; }

    public string Reference { get; }

    public string Outputs { get; }

    public static Dictionary<string, string> Row(string instruction, string output, string generator) =>
        new() { ["instruction"] = instruction, ["output"] = output, ["generator"] = generator, ["dataset"] = "small" };

    /// <summary>Writes rows as a JSON array in the folder; returns the path.</summary>
    public string Write(string name, IEnumerable<Dictionary<string, string>> rows)
    {
        var path = Path.Combine(Folder, name);
        File.WriteAllText(path, JsonSerializer.Serialize(rows));
        return path;
    }

    /// <summary><c>evaluate</c> of <paramref name="outputs"/> against the reference, judged by <paramref name="server"/>.</summary>
    public Task<CliResult> Evaluate(LoopbackChatServer server, string outputs, params string[] extra) => CliRunner.RunAsync(
        ["evaluate", "--home", Home, "--outputs", outputs, "--reference", Reference, "--annotators", Pool(server), .. extra]);

    public void Dispose() => Directory.Delete(Folder, recursive: true);

    /// <summary>A pool file of one LLM judge at <paramref name="server"/>, keyed by <see cref="JudgeFixtures.KeyVariable"/>.</summary>
    public string Pool(LoopbackChatServer server, int maxRetries = 1) =>
        JudgeFixtures.WritePool(Path.Combine(Folder, $"pool-{server.Port}.json"),
            JudgeFixtures.Config(server, timeoutSeconds: 30, retries: maxRetries, examples: 0) with
            {
                Id = "loopback_1", Temperature = 0, MaxTokens = 60, PricePerMillionInputTokens = 0, PricePerMillionOutputTokens = 0, MaxConcurrency = 2,
            });
}
