using Microsoft.Extensions.DependencyInjection;

namespace AlpacaFarm.Application.Pipeline;

/// <summary>
/// <see cref="Lazy{T}"/> from the container: a handler is built before its pipeline runs, so the services it takes this way
/// (those that open the database) are built only when the handler first uses them, after validation.
/// </summary>
public sealed class Deferred<T>(IServiceProvider services) : Lazy<T>(services.GetRequiredService<T>) where T : notnull;
