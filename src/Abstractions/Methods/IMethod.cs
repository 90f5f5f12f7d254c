using AlpacaFarm.Abstractions.Policies;

namespace AlpacaFarm.Abstractions.Methods;

/// <summary>
/// A method that learns from pairwise feedback. Plugins expose public implementations with a parameterless
/// constructor; the host finds them by reflection, validates <see cref="Descriptor"/> and runs them.
/// </summary>
public interface IMethod
{
    MethodDescriptor Descriptor { get; }

    /// <summary>Runs the method and returns its policy, which the host then evaluates.</summary>
    Task<IPolicy> RunAsync(MethodContext context, CancellationToken cancellationToken);
}
