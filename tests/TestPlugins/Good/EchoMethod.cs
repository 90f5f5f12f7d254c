using AlpacaFarm.Abstractions.Artifacts;
using AlpacaFarm.Abstractions.Methods;
using AlpacaFarm.Abstractions.Policies;

namespace AlpacaFarm.TestPlugins.Good;

/// <summary>A test method whose policy answers every prompt with the prompt itself.</summary>
public sealed class EchoMethod : IMethod
{
    public MethodDescriptor Descriptor { get; } = new(
        "test-echo", "Echo (test)", "1.0.0", MethodKind.InferenceTime, "Answers with the instruction.", "none",
        [HyperparameterSpec.Enum("prefix", "none", ["none", "echo"], null, "Whether answers start with \"echo: \".")], IsImplemented: true);

    public Task<IPolicy> RunAsync(MethodContext context, CancellationToken cancellationToken) =>
        Task.FromResult<IPolicy>(new EchoPolicy(context.Spec.Hyperparameters["prefix"] == "echo" ? "echo: " : ""));

    private sealed class EchoPolicy(string prefix) : IPolicy
    {
        public string Name => "echo";

        public IReadOnlyList<ArtifactHandle> Dependencies => [];

        public Task<GenerationResult> GenerateAsync(GenerationRequest request, CancellationToken cancellationToken) =>
            Task.FromResult(new GenerationResult(request.Prompts.Select(prompt => prefix + prompt).ToList()));

        public void Dispose()
        {
        }
    }
}
