using System.Globalization;
using AlpacaFarm.Abstractions.Artifacts;
using AlpacaFarm.Abstractions.Methods;
using AlpacaFarm.Abstractions.Reporting;
using AlpacaFarm.Modeling.Checkpoints;
using AlpacaFarm.Modeling.Tokenization;
using AlpacaFarm.Modeling.Transformer;

namespace AlpacaFarm.Modeling.Reinforcement;

/// <summary>
/// An online method's policy checkpoints: every <c>saveEvery</c> steps (never after the last, whose policy the method
/// returns) the policy is saved as runs/KEY/checkpoints/step-N and reported as the artifact "policy at step N", for
/// experiments that score a run along the way.
/// </summary>
/// <param name="workDirectory">The run's work directory.</param>
/// <param name="saveEvery">Steps between checkpoints; 0 for none.</param>
/// <param name="totalSteps">The run's steps.</param>
/// <param name="codeVersion">The method's code version, written into each checkpoint.</param>
/// <param name="reporter">The method context's reporter.</param>
/// <param name="decodeControl">The control token the policy answers with, if any.</param>
public sealed class StepCheckpoints(string workDirectory, int saveEvery, int totalSteps, string codeVersion, IMethodReporter reporter,
    string? decodeControl = null)
{
    /// <summary>The <c>save_every</c> row of a method that saves step checkpoints, with its default and the paper's value.</summary>
    public static HyperparameterSpec Hyperparameter(int every, string? paper) =>
        HyperparameterSpec.Int("save_every", every, 0, 100_000, paper, "Save and report a policy checkpoint every this many steps (0: none).");

    /// <summary>Whether the policy after <paramref name="step"/> (1-based) is saved.</summary>
    public bool Due(int step) => saveEvery > 0 && step % saveEvery == 0 && step < totalSteps;

    /// <summary>Saves and reports the policy after <paramref name="step"/>.</summary>
    public ArtifactHandle Save(CausalTransformer policy, ITokenizer tokenizer, int step)
    {
        var handle = Checkpoint.SavePolicy(policy, tokenizer, Folder(step), codeVersion, decodeControl);
        reporter.ReportArtifact(new MethodArtifact(handle, step, Label(step)));
        return handle;
    }

    /// <summary>Reports again the checkpoints a killed predecessor saved through <paramref name="step"/>, so a resumed run's record lists them all.</summary>
    public void ReportSaved(int step)
    {
        for (var saved = saveEvery; saveEvery > 0 && saved <= step; saved += saveEvery)
            reporter.ReportArtifact(new MethodArtifact(ArtifactHandle.ForFolder(ArtifactKind.Policy, Folder(saved), codeVersion), saved, Label(saved)));
    }

    private string Folder(int step) => Path.Combine(workDirectory, "checkpoints", string.Create(CultureInfo.InvariantCulture, $"step-{step}"));

    private static string Label(int step) => string.Create(CultureInfo.InvariantCulture, $"policy at step {step}");
}
