namespace AlpacaFarm.Application.Pipeline;

/// <summary>
/// A request that can be checked before any work: its arguments, files and plugins. The pipeline calls
/// <see cref="Validate"/> first; it throws a refusal (an <see cref="ArgumentException"/>, a malformed-input or plugin error),
/// which the CLI reports in one line with exit 2, before anything is trained, judged or stored.
/// </summary>
public interface IValidated
{
    /// <summary>Throws when the request cannot be carried out as given.</summary>
    void Validate();
}
