using AlpacaFarm.Abstractions.Compute;
using TorchSharp;

namespace AlpacaFarm.Modeling.Runtime;

/// <summary>
/// The one place that turns <see cref="ComputeResources"/> into TorchSharp settings: intra-op threads always, and
/// the device ("cpu" or "cuda:N").
/// </summary>
/// <remarks>
/// CUDA needs libtorch's CUDA natives: an application that runs on a GPU references <c>TorchSharp-cuda-linux</c>
/// (or <c>TorchSharp-cuda-windows</c>) of the same TorchSharp version instead of <c>TorchSharp-cpu</c>; nothing in
/// the modeling SDK changes, since it references only TorchSharp's managed API. This repository's feed serves only
/// the CPU package, so CPU is the tested path.
/// </remarks>
public static class TorchDevice
{
    /// <summary>Sets libtorch's intra-op threads and returns the device to build models on.</summary>
    public static torch.Device Apply(ComputeResources compute)
    {
        ArgumentNullException.ThrowIfNull(compute);
        if (compute.Problem() is { } problem) throw new ArgumentException(problem, nameof(compute));
        if (torch.get_num_threads() != compute.Threads) torch.set_num_threads(compute.Threads);
        return Resolve(compute.Device);
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
}
