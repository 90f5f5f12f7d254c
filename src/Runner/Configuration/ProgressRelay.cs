namespace AlpacaFarm.Runner.Configuration;

/// <summary>
/// Reports on the caller's thread. Progress&lt;T&gt; would post to the thread pool, reordering updates and racing the
/// console; training and generation loops are synchronous, so calling straight through is both right and cheaper.
/// </summary>
public sealed class ProgressRelay<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
