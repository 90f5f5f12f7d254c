namespace AlpacaFarm.Tests;

/// <summary>libtorch state (threads, default generator) is process-wide: its tests never run in parallel.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TorchCollection
{
    public const string Name = "torch";
}
