using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.ExceptionServices;
using TorchSharp;

namespace AlpacaFarm.Modeling.Runtime;

/// <summary>
/// Runs the independent batches of the sampler side by side on the CPU: with N intra-op threads, N lanes, each a thread of
/// its own at one intra-op thread, take the batches in turn. At the farm's model sizes a decode step is many small kernels,
/// which a second intra-op thread splits at a loss; a second batch in flight keeps the second core busy instead
/// (bench/AlpacaFarm.Bench.Modeling, --only lanes). Whole-sequence passes (the reward model's scoring) have kernels large
/// enough for intra-op threads, and ran slower in lanes, so they stay in one.
/// </summary>
/// <remarks>
/// A batch is computed whole by one lane, so what a batch gives does not depend on how many lanes ran or which took it;
/// its kernels run on one thread where they ran on N before, so where a kernel's floats do not depend on its thread count,
/// as on the processor measured, the bytes are the ones one lane of N threads gives (the bench's lanes mode counts the
/// samples that differ). One batch, a GPU, or one intra-op thread runs inline, as before. Set ALPACAFARM_INFERENCE_LANES=1 to run
/// every loop in one lane of N threads (or to another count of lanes, at most N).
/// </remarks>
internal static class InferenceLanes
{
    /// <summary>The environment variable that caps the lanes (1 turns them off).</summary>
    public const string Variable = "ALPACAFARM_INFERENCE_LANES";

    /// <summary>
    /// Calls <paramref name="work"/> once for each batch index in [0, <paramref name="batches"/>), on lanes when there are
    /// two or more batches and intra-op threads on a CPU device. Each call must write only its own batch's results and enter
    /// its own autograd guard (no_grad and inference mode are per thread). The first failure stops the lanes and is rethrown.
    /// </summary>
    public static void Run(int batches, torch.Device device, Action<int> work, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(work);
        var threads = torch.get_num_threads();
        var lanes = Math.Min(Math.Min(threads, Cap() ?? threads), batches);
        if (lanes < 2 || device.type != DeviceType.CPU)
        {
            for (var batch = 0; batch < batches; batch++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                work(batch);
            }
            return;
        }

        var next = -1;
        var failures = new ConcurrentQueue<ExceptionDispatchInfo>();
        var workers = Enumerable.Range(0, lanes).Select(lane => new Thread(() =>
        {
            try
            {
                // This thread's own intra-op count (libtorch keeps one per thread once it has run a kernel).
                torch.set_num_threads(1);
                for (var batch = Interlocked.Increment(ref next); batch < batches && failures.IsEmpty; batch = Interlocked.Increment(ref next))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    work(batch);
                }
            }
            catch (Exception e)
            {
                failures.Enqueue(ExceptionDispatchInfo.Capture(e));
            }
        })
        { IsBackground = true, Name = $"inference lane {lane}" }).ToList();
        try
        {
            workers.ForEach(worker => worker.Start());
            workers.ForEach(worker => worker.Join());
        }
        finally
        {
            // set_num_threads also sets the count that threads starting their first kernel take: give it back.
            torch.set_num_threads(threads);
        }
        if (failures.TryDequeue(out var first)) first.Throw();
    }

    private static int? Cap()
    {
        var value = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrWhiteSpace(value)) return null;
        return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var cap) && cap >= 1
            ? cap
            : throw new InvalidOperationException($"{Variable} must be a whole number of lanes, at least 1 (got '{value}')");
    }
}
