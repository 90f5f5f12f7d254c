using AlpacaFarm.Abstractions.Compute;
using TorchSharp;

namespace AlpacaFarm.Modeling.Runtime;

/// <summary>
/// The one place that turns <see cref="ComputeResources"/> into libtorch settings. A host calls <see cref="Configure"/> once
/// per run, before any torch work, on the run's thread (and on any thread it starts for torch work); everything that builds
/// or loads a model then asks <see cref="Of"/> for the device and puts the model there with <see cref="Place{T}"/>.
/// </summary>
/// <remarks>
/// CUDA needs libtorch's CUDA natives: an application that runs on a GPU references <c>TorchSharp-cuda-linux</c>
/// (or <c>TorchSharp-cuda-windows</c>) of the same TorchSharp version instead of <c>TorchSharp-cpu</c>; nothing in
/// the modeling SDK changes, since it references only TorchSharp's managed API. This repository's feed serves only
/// the CPU package, so CPU is the tested path.
/// </remarks>
public static class TorchDevice
{
    private static readonly AsyncLocal<ICollection<Placement>?> Recorder = new();

    /// <summary>
    /// Sets libtorch's intra-op threads to <paramref name="compute"/>'s and checks that its device exists here. libtorch applies
    /// the count to the calling thread and to threads that have not yet run its kernels; a thread that has keeps its own, so
    /// a host that starts a thread for torch work calls this on it too.
    /// </summary>
    public static void Configure(ComputeResources compute)
    {
        ArgumentNullException.ThrowIfNull(compute);
        Resolve(compute.Device);
        if (torch.get_num_threads() != compute.Threads) torch.set_num_threads(compute.Threads);
    }

    /// <summary>The device models of <paramref name="compute"/> live on.</summary>
    public static torch.Device Of(ComputeResources compute)
    {
        ArgumentNullException.ThrowIfNull(compute);
        return Resolve(compute.Device);
    }

    /// <summary>Moves a module built or loaded on the CPU to <paramref name="device"/> (nothing to do for the CPU) and returns it.</summary>
    public static T Place<T>(T module, torch.Device device) where T : torch.nn.Module
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(device);
        var placed = device.type == DeviceType.CPU ? module : (T)module.to(device);
        Recorder.Value?.Add(new Placement(typeof(T).Name, device.ToString(), torch.get_num_threads()));
        return placed;
    }

    /// <summary>
    /// Records every <see cref="Place{T}"/> of this asynchronous flow into <paramref name="sink"/> until disposed: what a
    /// command was given is seen to reach each model it builds (the compute test), without a GPU.
    /// </summary>
    public static IDisposable Record(ICollection<Placement> sink)
    {
        var previous = Recorder.Value;
        Recorder.Value = sink;
        return new Restore(() => Recorder.Value = previous);
    }

    /// <summary>"cpu", or "cuda:N" when a CUDA backend with that device is loaded; anything else is refused with the reason.</summary>
    public static torch.Device Resolve(string device)
    {
        if (device == "cpu") return torch.CPU;
        if (device.StartsWith("cuda:", StringComparison.Ordinal) && int.TryParse(device.AsSpan(5), out var index) && index >= 0)
        {
            if (!torch.cuda.is_available())
                throw new ArgumentException(
                    $"device '{device}' asked for, but this process's libtorch has no CUDA backend: reference TorchSharp-cuda-linux " +
                    "(same version as TorchSharp) instead of TorchSharp-cpu in the application, or use 'cpu'");
            var count = torch.cuda.device_count();
            if (index >= count) throw new ArgumentException($"device '{device}' asked for, but only {count} CUDA device(s) exist");
            return new torch.Device(DeviceType.CUDA, index);
        }
        throw new ArgumentException($"device '{device}' is neither 'cpu' nor 'cuda:N'", nameof(device));
    }

    private sealed class Restore(Action restore) : IDisposable
    {
        public void Dispose() => restore();
    }
}

/// <summary>One <see cref="TorchDevice.Place{T}"/>: the module's type, the device it went to, and libtorch's thread count then.</summary>
public sealed record Placement(string Module, string Device, int Threads);
