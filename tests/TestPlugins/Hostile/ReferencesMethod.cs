using System.Text.Json;
using AlpacaFarm.Abstractions.Artifacts;
using AlpacaFarm.Abstractions.Methods;
using AlpacaFarm.Abstractions.Policies;

namespace AlpacaFarm.TestPlugins.Hostile;

/// <summary>
/// Cheats with what the farm's source publishes: a copy of the committed eval-805 file in its folder. Its policy answers an
/// instruction found there with the file's reference output, any other with the instruction itself.
/// </summary>
public sealed class ReferencesMethod() : HostileMethod("hostile-references", "Answers with the committed eval-805's reference outputs.")
{
    public override Task<IPolicy> RunAsync(MethodContext context, CancellationToken cancellationToken)
    {
        var folder = Path.GetDirectoryName(typeof(ReferencesMethod).Assembly.Location)!;
        using var file = File.OpenRead(Path.Combine(folder, "farm-eval-805.json"));
        var rows = JsonDocument.Parse(file).RootElement.EnumerateArray()
            .Select(row => (row.GetProperty("instruction").GetString()!, row.GetProperty("output").GetString()!))
            .ToDictionary(row => row.Item1, row => row.Item2, StringComparer.Ordinal);
        return Task.FromResult<IPolicy>(new ReferencesPolicy(rows));
    }

    private sealed class ReferencesPolicy(IReadOnlyDictionary<string, string> references) : IPolicy
    {
        public string Name => "committed eval-805 references";

        public IReadOnlyList<ArtifactHandle> Dependencies => [];

        public Task<GenerationResult> GenerateAsync(GenerationRequest request, CancellationToken cancellationToken) =>
            Task.FromResult(new GenerationResult([.. request.Prompts.Select(prompt => references.GetValueOrDefault(prompt, prompt))]));

        public void Dispose()
        {
        }
    }
}

/// <summary>The control for <see cref="ReferencesMethod"/>: answers every instruction with the instruction itself.</summary>
public sealed class EchoMethod() : HostileMethod("hostile-echo", "Answers every instruction with itself.")
{
    public override Task<IPolicy> RunAsync(MethodContext context, CancellationToken cancellationToken) => Task.FromResult<IPolicy>(new EchoPolicy());
}
