using AlpacaFarm.Abstractions.Compute;
using System.CommandLine;
using AlpacaFarm.Application.Training;
using AlpacaFarm.Runner.Farm;

namespace AlpacaFarm.Host.Commands;

/// <summary>The options every farm training command shares.</summary>
public sealed class FarmTrainingOptions
{
    public Option<string> Recipe { get; } = new("--recipe")
    {
        Description = "default: the paper's data sizes on a small transformer; quick: the benchmark in minutes (a smaller model, fewer examples); tiny: a smoke run in seconds.",
        DefaultValueFactory = _ => "default",
    };

    public Option<long> Seed { get; } = new("--seed") { Description = "Seed of initialisation, data order and sampling.", DefaultValueFactory = _ => 0 };

    public Option<int> Threads { get; } = new("--threads")
    {
        Description = "Intra-op threads for TorchSharp. Float results differ across thread counts, so the count is part of every artifact and run key.",
        DefaultValueFactory = _ => Environment.ProcessorCount,
    };

    public Option<string> Device { get; } = new("--device")
    {
        Description = "cpu, or cuda:N (needs a CUDA build of libtorch; this build's is CPU-only, so cuda:N is refused before any work).",
        DefaultValueFactory = _ => "cpu",
        HelpName = "cpu|cuda:N",
    };

    public Option<string> Precision { get; } = new("--precision")
    {
        Description = "The number format every model trains in: fp32, or bf16-mixed (bfloat16 matrix multiplications over fp32 weights, gradients and optimizer state; faster where the processor has bf16, and its results differ from fp32's). Generation and scoring stay fp32. Part of every artifact and run key when not fp32.",
        DefaultValueFactory = _ => ComputeResources.Fp32,
    };

    public FarmTrainingOptions()
    {
        Recipe.AcceptOnlyFromAmong([.. FarmRecipe.Names]);
        // A validator, not AcceptOnlyFromAmong, so that a refusal is one line.
        Precision.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<string>();
            if (!ComputeResources.Precisions.Contains(value))
                result.AddError($"--precision must be one of {string.Join(", ", ComputeResources.Precisions)} (got '{value}').");
        });
        Threads.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 1) result.AddError($"--threads must be at least 1 (got {result.GetValueOrDefault<int>()}).");
        });
    }

    /// <summary>
    /// The one place --device, --threads and --precision become <see cref="ComputeResources"/>, checked (<see cref="Compute.For"/>) before
    /// any service starts; every request carries the result.
    /// </summary>
    public ComputeResources Compute(ParseResult parse) =>
        AlpacaFarm.Runner.Farm.Compute.For(parse.GetValue(Device)!, parse.GetValue(Threads)) with { Precision = parse.GetValue(Precision)! };

    public void AddTo(Command command)
    {
        command.Options.Add(Recipe);
        command.Options.Add(Seed);
        command.Options.Add(Threads);
        command.Options.Add(Device);
        command.Options.Add(Precision);
    }
}
