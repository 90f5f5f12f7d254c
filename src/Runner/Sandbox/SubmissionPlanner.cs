using System.Text.RegularExpressions;
using AlpacaFarm.Abstractions.Artifacts;
using AlpacaFarm.Abstractions.Compute;
using AlpacaFarm.Abstractions.Methods;
using AlpacaFarm.Catalog;
using AlpacaFarm.Runner.Methods;

namespace AlpacaFarm.Runner.Sandbox;

/// <summary>
/// Checks a submission before any work, without loading its code into the host: the folder (sizes, no links), its manifest,
/// contract and SDK versions, the sandbox, then the method's descriptor as a worker reports it, the overrides against its
/// table, and the rows' name.
/// </summary>
public static partial class SubmissionPlanner
{
    /// <summary>The most a submitted plugin folder may hold, all files together.</summary>
    public const long MaxFolderBytes = 256L << 20;

    /// <summary>The most one file of a submitted plugin folder may hold.</summary>
    public const long MaxFileBytes = 64L << 20;

    /// <summary>How long the worker may take to list the plugin's methods.</summary>
    public static TimeSpan DescribeTimeout { get; } = TimeSpan.FromMinutes(2);

    /// <summary>The planned method for <paramref name="request"/>'s submission; throws an <see cref="ArgumentException"/> of one line.</summary>
    public static PlannedMethod Plan(MethodRunRequest request, Submission submission)
    {
        var folder = Path.GetFullPath(submission.PluginFolder);
        if (!Directory.Exists(folder)) throw new ArgumentException($"plugin folder not found: {submission.PluginFolder}");
        CheckSizes(folder);
        PluginManifest manifest;
        try
        {
            manifest = PluginManifest.Read(folder);
        }
        catch (PluginLoadException e)
        {
            throw new ArgumentException($"plugin folder {folder}: {e.Message}");
        }
        if (manifest.Incompatibility() is { } incompatible) throw new ArgumentException($"plugin '{manifest.Id}': {incompatible}");
        if (!File.Exists(Path.Combine(folder, manifest.EntryAssembly))) throw new ArgumentException($"plugin '{manifest.Id}': entry assembly {manifest.EntryAssembly} not found in {folder}");
        if (request.Compute.Precision != ComputeResources.Fp32 && !manifest.KnowsPrecision)
            throw new ArgumentException($"plugin '{manifest.Id}' was built for contract {manifest.ContractVersion}, which predates --precision: it trains only in fp32 (leave --precision out)");
        if (!request.Trust && Bubblewrap.Available is null)
            throw new ArgumentException($"no sandbox can be made here: {Bubblewrap.Unavailable}; submit runs a plugin unsandboxed only with --trust");

        var name = submission.Name ?? $"{manifest.Id}.{submission.MethodId}";
        if (!RowName().IsMatch(name)) throw new ArgumentException($"--name '{name}' must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit");
        if (name == "sft" || BuiltInMethodIds().Contains(name))
            throw new ArgumentException($"--name '{name}' is a built-in row's name: a submission's rows never take one (leave --name out for {manifest.Id}.{submission.MethodId})");

        var limits = new WorkerLimits(submission.MemoryLimitBytes, request.Trust);
        var descriptors = Describe(folder, manifest, limits);
        var descriptor = descriptors.FirstOrDefault(d => d?.Id == submission.MethodId)
            ?? throw new ArgumentException($"plugin '{manifest.Id}' has no method '{submission.MethodId}' (it has: {string.Join(", ", descriptors.Select(d => d?.Id))})");
        if (descriptor.Validate() is { Count: > 0 } problems) throw new ArgumentException($"method '{descriptor.Id}' has an invalid descriptor: {string.Join("; ", problems)}");
        if (!descriptor.IsImplemented) throw new ArgumentException($"method '{descriptor.Id}' of plugin '{manifest.Id}' is not implemented yet");
        var merged = descriptor.Merge(submission.Overrides);
        var plugin = new PluginEntry(folder, manifest, PluginStatus.Loaded, null, [], BuiltIn: false);
        return new PlannedMethod(descriptor, plugin, () => new RemoteMethod(descriptor, folder, manifest.EntryAssembly, limits), merged,
            descriptor.NonDefault(merged), ArtifactHandle.HashFolder(folder))
        {
            Submitted = new SubmittedAs(name, request.Trust ? "none (--trust)" : Bubblewrap.Available!, submission.MemoryLimitBytes,
                WorkerProcess.MemoryLimitBy(submission.MemoryLimitBytes)),
        };
    }

    private static void CheckSizes(string folder)
    {
        long total = 0;
        foreach (var entry in new DirectoryInfo(folder).EnumerateFileSystemInfos("*", SearchOption.AllDirectories))
        {
            if (entry.LinkTarget is not null) throw new ArgumentException($"plugin folder {folder} holds a link ({Path.GetRelativePath(folder, entry.FullName)}): a submission holds plain files only");
            if (entry is not FileInfo file) continue;
            if (file.Length > MaxFileBytes)
                throw new ArgumentException($"plugin folder {folder}: {Path.GetRelativePath(folder, file.FullName)} holds {file.Length >> 20} MiB, more than the {MaxFileBytes >> 20} MiB a file may");
            total += file.Length;
            if (total > MaxFolderBytes) throw new ArgumentException($"plugin folder {folder} holds more than the {MaxFolderBytes >> 20} MiB a submission may");
        }
    }

    /// <summary>The plugin's descriptors, from a worker (the host never loads a submission's code).</summary>
    private static IReadOnlyList<MethodDescriptor> Describe(string folder, PluginManifest manifest, WorkerLimits limits)
    {
        var scratch = Directory.CreateTempSubdirectory("alpacafarm-describe-");
        try
        {
            var launch = new WorkerLaunch(folder, manifest.EntryAssembly, [], [scratch.FullName], 1, limits);
            var host = new HostService(ListingOnly.Instance, ListingOnly.Instance);
            using var timeout = new CancellationTokenSource(DescribeTimeout);
            return DescribeAsync(launch, host, Path.Combine(scratch.FullName, RemoteMethod.OutputFile), !limits.Trust, manifest.Id, timeout.Token).GetAwaiter().GetResult();
        }
        finally
        {
            scratch.Delete(recursive: true);
        }
    }

    private static async Task<IReadOnlyList<MethodDescriptor>> DescribeAsync(WorkerLaunch launch, HostService host, string log, bool sandbox, string pluginId,
        CancellationToken cancellationToken)
    {
        WorkerProcess worker;
        try
        {
            worker = await WorkerProcess.StartAsync(launch, host, log, sandbox, cancellationToken);
        }
        catch (Exception e) when (e is InvalidOperationException or OperationCanceledException)
        {
            throw new ArgumentException($"plugin '{pluginId}' could not be listed: {e.Message}");
        }
        await using (worker)
        {
            try
            {
                return await RemoteMethod.Call(worker, host, () => worker.Worker.DescribeAsync(cancellationToken), cancellationToken, pluginId) ?? [];
            }
            catch (Exception e) when (e is MethodRunFailure or OperationCanceledException)
            {
                throw new ArgumentException($"plugin '{pluginId}' could not be listed: {(e is OperationCanceledException ? $"its worker did not answer within {DescribeTimeout.TotalSeconds:F0} s" : e.Message)}");
            }
        }
    }

    private static HashSet<string> BuiltInMethodIds() =>
        [.. PluginCatalog.Load([]).Methods.Select(entry => entry.Method.Descriptor?.Id).OfType<string>()];

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    private static partial Regex RowName();
}

/// <summary>The services a worker gets while it only lists its plugin's methods: no labels, and reports go nowhere.</summary>
internal sealed class ListingOnly : Abstractions.Preferences.IPreferenceService, Abstractions.Reporting.IMethodReporter
{
    public static ListingOnly Instance { get; } = new();

    public Task<IReadOnlyList<Abstractions.Preferences.PreferenceLabel>> AnnotateAsync(IReadOnlyList<Abstractions.Preferences.PreferenceQuery> queries,
        CancellationToken cancellationToken) => throw new PreferenceServiceClosedException("no labels while a plugin's methods are listed");

    public Task<Abstractions.Preferences.PreferenceBudget> GetBudgetAsync(CancellationToken cancellationToken) =>
        throw new PreferenceServiceClosedException("no labels while a plugin's methods are listed");

    public void Report(Abstractions.Reporting.MethodProgress progress) { }

    public void Log(Abstractions.Reporting.MethodLogLevel level, string message) { }

    public void ReportArtifact(Abstractions.Reporting.MethodArtifact artifact) { }
}
