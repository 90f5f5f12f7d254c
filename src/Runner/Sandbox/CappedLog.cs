namespace AlpacaFarm.Runner.Sandbox;

/// <summary>
/// Where a worker's stdout and stderr go: a file in its work directory, up to a size, after which output is read and
/// dropped (a plugin that writes without end neither fills the disk nor blocks on a full pipe). Keeps the last line of
/// stderr for a failed run's reason.
/// </summary>
internal sealed class CappedLog(string path, long capacity) : IDisposable
{
    private readonly FileStream _file = new(path, FileMode.Append, FileAccess.Write, FileShare.Read);
    private readonly Lock _gate = new();
    private long _written;
    private long _dropped;

    /// <summary>The last non-empty line the worker wrote to stderr, cut to 200 characters.</summary>
    public string? LastError { get; private set; }

    /// <summary>Copies <paramref name="stream"/> into the log until it ends.</summary>
    public async Task DrainAsync(Stream stream, bool isError)
    {
        var buffer = new byte[8192];
        int read;
        while ((read = await stream.ReadAsync(buffer)) > 0)
        {
            lock (_gate)
            {
                var room = (int)Math.Max(0, Math.Min(read, capacity - _written));
                if (room > 0) _file.Write(buffer, 0, room);
                _written += room;
                _dropped += read - room;
            }
            if (isError && System.Text.Encoding.UTF8.GetString(buffer, 0, read).Split('\n').LastOrDefault(line => line.Trim().Length > 0) is { } line)
                LastError = line.Trim() is { Length: > 200 } longLine ? longLine[..200] : line.Trim();
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_dropped > 0)
            {
                var note = System.Text.Encoding.UTF8.GetBytes($"\n[{_dropped} more bytes of worker output dropped past {capacity} bytes]\n");
                _file.Write(note);
            }
            _file.Dispose();
        }
    }
}
