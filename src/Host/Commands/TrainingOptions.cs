using System.CommandLine;
using AlpacaFarm.Application.Training;

namespace AlpacaFarm.Host.Commands;

/// <summary>The options every farm training command shares.</summary>
public sealed class FarmTrainingOptions
{
    public Option<string> Recipe { get; } = new("--recipe")
    {
        Description = "default: the paper's data sizes on a small transformer; tiny: a smoke run in seconds.",
        DefaultValueFactory = _ => "default",
    };

    public Option<long> Seed { get; } = new("--seed") { Description = "Seed of initialisation, data order and sampling.", DefaultValueFactory = _ => 0 };

    public Option<int> Threads { get; } = new("--threads")
    {
        Description = "Intra-op threads for TorchSharp (recorded, since results may differ across thread counts).",
        DefaultValueFactory = _ => Environment.ProcessorCount,
    };

    public FarmTrainingOptions() => Recipe.AcceptOnlyFromAmong([.. FarmRecipe.Names]);

    public void AddTo(Command command)
    {
        command.Options.Add(Recipe);
        command.Options.Add(Seed);
        command.Options.Add(Threads);
    }
}
