using AlpacaFarm.Abstractions.Compute;

namespace AlpacaFarm.Runner.Methods;

/// <summary>What a user asks of the runner: which methods, with which overrides, on what.</summary>
/// <param name="Methods">
/// Method ids, run in this order; null for the benchmark: every loaded built-in method and its variants
/// (<see cref="Benchmark.BenchmarkEntries"/>).
/// </param>
/// <param name="Overrides">Per method id, hyperparameter overrides (checked against the method's typed table).</param>
/// <param name="LabelBudget">Labels each method may ask of the training pool beyond the shared pairs; every label returned counts.</param>
/// <param name="TimeLimit">Per method, training and evaluation together; null for none.</param>
/// <param name="PluginFolders">Third-party plugin folders, loaded beside the built-in ones.</param>
/// <param name="Trust">Third-party plugins run in this process only when trusted.</param>
/// <param name="EvalSplit">"eval" (the fixed eval-805) or "validation" (where defaults are chosen; its own board).</param>
/// <param name="Replace">
/// A row of the same name from another run (older code, another budget) is replaced; without it such a method is refused
/// before it starts.
/// </param>
/// <param name="Submission">
/// A submitted plugin folder (<c>alpacafarm submit</c>) to run in a worker instead of <paramref name="Methods"/>; with
/// <paramref name="Trust"/> its worker runs without a sandbox.
/// </param>
public sealed record MethodRunRequest(
    IReadOnlyList<string>? Methods,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> Overrides,
    long Seed,
    string Recipe,
    ComputeResources Compute,
    int LabelBudget = MethodRunRequest.DefaultLabelBudget,
    TimeSpan? TimeLimit = null,
    IReadOnlyList<string>? PluginFolders = null,
    bool Trust = false,
    string EvalSplit = MethodRunRequest.Eval,
    bool Replace = false,
    Sandbox.Submission? Submission = null)
{
    public const int DefaultLabelBudget = 10_000;

    public const string Eval = "eval";

    public const string Validation = "validation";

    public static IReadOnlyList<string> EvalSplits => [Eval, Validation];
}
