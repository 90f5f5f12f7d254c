using TorchSharp;

namespace AlpacaFarm.Tests.Modeling;

/// <summary>
/// A temporary folder for checkpoints, and libtorch's thread count as it was: code under test that applies
/// <c>ComputeResources</c> sets the process-wide count, which must not leak into later tests.
/// </summary>
internal sealed class TorchScratch(string prefix) : IDisposable
{
    private readonly int _threads = torch.get_num_threads();

    public string Folder { get; } = Directory.CreateTempSubdirectory(prefix).FullName;

    public string Path(string name) => System.IO.Path.Combine(Folder, name);

    public void Dispose()
    {
        torch.set_num_threads(_threads);
        Directory.Delete(Folder, recursive: true);
    }
}
