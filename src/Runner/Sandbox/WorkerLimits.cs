namespace AlpacaFarm.Runner.Sandbox;

/// <summary>
/// What a worker may use beyond its compute: resident memory (its whole process tree, libtorch's allocations included) and
/// whether it runs without a sandbox because the user trusts it.
/// </summary>
/// <param name="MemoryBytes">Resident memory of the worker's processes together; past it the worker is killed.</param>
/// <param name="Trust">Run the worker without bubblewrap (recorded on the row); required where no sandbox can be made.</param>
public sealed record WorkerLimits(long MemoryBytes, bool Trust)
{
    /// <summary>The default memory limit: 8 GiB.</summary>
    public const long DefaultMemoryBytes = 8L << 30;
}
