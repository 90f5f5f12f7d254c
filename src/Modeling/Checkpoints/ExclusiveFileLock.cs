namespace AlpacaFarm.Modeling.Checkpoints;

/// <summary>
/// An exclusive lock on a file, held until disposed. It is .NET's <see cref="FileShare.None"/>, which on Unix is an advisory
/// <c>flock</c>: the operating system releases it when the holding process dies, however it dies, so a lock never outlives
/// its holder and a free lock means no live process is doing the locked work. Two holders in one process exclude each other
/// as two processes do.
/// </summary>
public sealed class ExclusiveFileLock : IDisposable
{
    private readonly FileStream _stream;

    private ExclusiveFileLock(FileStream stream, string path)
    {
        _stream = stream;
        Path = path;
    }

    /// <summary>The lock file.</summary>
    public string Path { get; }

    /// <summary>The lock, or null when another holder has it. Creates the file and its folder if needed.</summary>
    public static ExclusiveFileLock? TryAcquire(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
        try
        {
            return new ExclusiveFileLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None), path);
        }
        catch (IOException e) when (IsHeldElsewhere(e))
        {
            return null;
        }
    }

    /// <summary>
    /// The lock, waiting while another holder has it: <paramref name="waiting"/> is called once, before the first wait, so
    /// that the caller can say what it waits for.
    /// </summary>
    /// <exception cref="OperationCanceledException">Cancelled while waiting.</exception>
    public static ExclusiveFileLock Acquire(string path, Action? waiting, CancellationToken cancellationToken)
    {
        var told = false;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (TryAcquire(path) is { } held) return held;
            if (!told) waiting?.Invoke();
            told = true;
            // The holder's end is not signalled across processes; a short poll costs nothing beside the work it waits for.
            cancellationToken.WaitHandle.WaitOne(PollInterval);
        }
    }

    /// <summary>
    /// Whether a live holder has the lock at <paramref name="path"/>; false when the file is absent or free. Opens the file
    /// for reading only, so it works in a home this process may not write.
    /// </summary>
    public static bool IsHeld(string path)
    {
        try
        {
            using var probe = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            return false;
        }
        catch (FileNotFoundException)
        {
            return false;
        }
        catch (DirectoryNotFoundException)
        {
            return false;
        }
        catch (IOException e) when (IsHeldElsewhere(e))
        {
            return true;
        }
    }

    /// <summary>How often a waiter looks again.</summary>
    public static TimeSpan PollInterval { get; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Releases the lock.</summary>
    public void Dispose() => _stream.Dispose();

    // A lock held by another descriptor surfaces as a plain IOException (EWOULDBLOCK); a missing folder or a permission
    // problem has its own exception type and is not mistaken for it.
    private static bool IsHeldElsewhere(IOException e) => e.GetType() == typeof(IOException);
}
