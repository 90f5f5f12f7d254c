using System.Reflection;
using AlpacaFarm.Abstractions.Methods;
using AlpacaFarm.Modeling.Runtime;
using McMaster.NETCore.Plugins;

namespace AlpacaFarm.Catalog;

/// <summary>
/// The plugins the host can use: the built-in folder and every --plugins folder, each plugin loaded once with
/// McMaster.NETCore.Plugins (not unloadable), validated, and given a status with a reason, as Jellyfin does.
/// A bad plugin never stops good ones from loading.
/// </summary>
public sealed class PluginCatalog
{
    // Sharing a type shares its assembly's whole reference closure: the contract, and the modeling SDK,
    // which brings TorchSharp, so the process holds one copy of each.
    private static readonly Type[] SharedTypes = [typeof(IMethod), typeof(TorchRuntime)];

    private PluginCatalog(IReadOnlyList<PluginEntry> plugins) => Plugins = plugins;

    /// <summary>The host's own plugins folder, next to its assembly.</summary>
    public static string BuiltInFolder => Path.Combine(AppContext.BaseDirectory, "plugins");

    public IReadOnlyList<PluginEntry> Plugins { get; }

    /// <summary>Every method found, with its plugin.</summary>
    public IEnumerable<(PluginEntry Plugin, MethodEntry Method)> Methods =>
        Plugins.SelectMany(plugin => plugin.Methods.Select(method => (plugin, method)));

    /// <summary>
    /// Loads the built-in folder (when it exists) then each extra folder: one that holds plugin.json is itself a
    /// plugin, otherwise each of its subfolders is. An extra folder that does not exist is an error.
    /// </summary>
    public static PluginCatalog Load(IEnumerable<string> extraFolders, string? builtInFolder = null)
    {
        var roots = new List<(string Folder, bool BuiltIn)>();
        builtInFolder ??= BuiltInFolder;
        if (Directory.Exists(builtInFolder)) roots.Add((Path.GetFullPath(builtInFolder), true));
        foreach (var extra in extraFolders)
        {
            if (!Directory.Exists(extra)) throw new ArgumentException($"plugins folder not found: {extra}");
            roots.Add((Path.GetFullPath(extra), false));
        }

        var plugins = new List<PluginEntry>();
        var pluginIds = new Dictionary<string, string>(StringComparer.Ordinal);
        var methodIds = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (root, builtIn) in roots)
        {
            foreach (var folder in PluginFolders(root))
                plugins.Add(LoadPlugin(folder, builtIn, pluginIds, methodIds));
        }
        return new PluginCatalog(plugins);
    }

    /// <summary>A fresh instance of a runnable method; throws <see cref="PluginLoadException"/> with the reason otherwise.</summary>
    public IMethod CreateMethod(string methodId) => Resolve(methodId).Method.Factory!();

    /// <summary>
    /// The plugin and entry of a runnable method; throws <see cref="PluginLoadException"/> with one line otherwise: an unknown
    /// id lists the known ones and says why each plugin or method that could not be loaded was not (the method asked for
    /// may be among them), a method that is not implemented or cannot load gives the catalog's reason.
    /// </summary>
    public (PluginEntry Plugin, MethodEntry Method) Resolve(string methodId)
    {
        var found = Methods.Where(entry => entry.Method.Descriptor?.Id == methodId).ToList();
        if (found.Count == 0)
        {
            var known = string.Join(", ", Methods.Select(entry => entry.Method.Descriptor?.Id).OfType<string>().Order(StringComparer.Ordinal));
            var unloaded = Plugins.Where(plugin => plugin.Status != PluginStatus.Loaded).Select(plugin => $"{plugin.Folder}: {plugin.Reason}")
                .Concat(Methods.Where(entry => entry.Method.Descriptor is null).Select(entry => $"{entry.Plugin.Folder}: {entry.Method.Reason}"))
                .ToList();
            throw new PluginLoadException($"unknown method '{methodId}' (known: {known})" +
                (unloaded.Count == 0 ? "" : $"; not loaded: {string.Join("; ", unloaded)}"));
        }
        var (plugin, method) = found[0];
        return method.Status switch
        {
            PluginStatus.Loaded when method.Factory is not null => (plugin, method),
            PluginStatus.NotImplemented => throw new PluginLoadException($"method '{methodId}' of plugin '{plugin.Manifest?.Id}' is not implemented yet", method.Status),
            _ => throw new PluginLoadException($"method '{methodId}' cannot run: {method.Reason}", method.Status),
        };
    }

    private static IEnumerable<string> PluginFolders(string root) =>
        File.Exists(Path.Combine(root, PluginManifest.FileName))
            ? [root]
            : Directory.EnumerateDirectories(root).Order(StringComparer.Ordinal);

    private static PluginEntry LoadPlugin(string folder, bool builtIn, Dictionary<string, string> pluginIds, Dictionary<string, string> methodIds)
    {
        PluginManifest? manifest = null;
        try
        {
            manifest = PluginManifest.Read(folder);
            if (manifest.Incompatibility() is { } incompatibility)
                throw new PluginLoadException(incompatibility, PluginStatus.Incompatible);
            if (pluginIds.TryGetValue(manifest.Id, out var first))
                throw new PluginLoadException($"duplicate plugin id '{manifest.Id}': already loaded from {first}");
            pluginIds[manifest.Id] = folder;

            var types = LoadTypes(folder, manifest);
            var methods = types
                .Where(type => type is { IsClass: true, IsAbstract: false, IsPublic: true }
                    && typeof(IMethod).IsAssignableFrom(type)
                    && type.GetConstructor(Type.EmptyTypes) is not null)
                .OrderBy(type => type.FullName, StringComparer.Ordinal)
                .Select(type => LoadMethod(type, folder, methodIds))
                .ToList();
            if (methods.Count == 0)
                throw new PluginLoadException($"no public IMethod type with a parameterless constructor in {manifest.EntryAssembly}");
            return new PluginEntry(folder, manifest, PluginStatus.Loaded, null, methods, builtIn);
        }
        catch (PluginLoadException e)
        {
            return new PluginEntry(folder, manifest, e.Status, e.Message, [], builtIn);
        }
    }

    private static Type[] LoadTypes(string folder, PluginManifest manifest)
    {
        var assemblyPath = Path.Combine(folder, manifest.EntryAssembly);
        if (!File.Exists(assemblyPath)) throw new PluginLoadException($"entry assembly {manifest.EntryAssembly} not found in the folder");
        try
        {
            var loader = PluginLoader.CreateFromAssemblyFile(assemblyPath, SharedTypes, config => config.PreferSharedTypes = true);
            return loader.LoadDefaultAssembly().GetTypes(); // eager: missing dependencies and version skew surface here
        }
        catch (ReflectionTypeLoadException e)
        {
            var cause = e.LoaderExceptions.FirstOrDefault(inner => inner is not null)?.Message ?? e.Message;
            throw new PluginLoadException($"failed to load {manifest.EntryAssembly}: {FirstLine(cause)}");
        }
        catch (Exception e) when (e is BadImageFormatException or FileLoadException or FileNotFoundException)
        {
            throw new PluginLoadException($"failed to load {manifest.EntryAssembly}: {FirstLine(e.Message)}");
        }
    }

    private static MethodEntry LoadMethod(Type type, string folder, Dictionary<string, string> methodIds)
    {
        var name = type.FullName ?? type.Name;
        MethodDescriptor descriptor;
        try
        {
            descriptor = ((IMethod)Activator.CreateInstance(type)!).Descriptor;
        }
        catch (TargetInvocationException e) when (e.InnerException is { } inner)
        {
            return new MethodEntry(name, null, PluginStatus.Malfunctioned, $"constructor of {name} threw {inner.GetType().Name}: {FirstLine(inner.Message)}", null);
        }
        catch (Exception e)
        {
            return new MethodEntry(name, null, PluginStatus.Malfunctioned, $"{name} could not be created: {FirstLine(e.Message)}", null);
        }

        var problems = descriptor?.Validate() ?? ["its descriptor is null"];
        if (problems.Count > 0)
            return new MethodEntry(name, descriptor, PluginStatus.Malfunctioned, $"invalid descriptor: {string.Join("; ", problems)}", null);
        if (methodIds.TryGetValue(descriptor!.Id, out var first))
            return new MethodEntry(name, descriptor, PluginStatus.Malfunctioned, $"duplicate method id '{descriptor.Id}': already provided by {first}", null);
        methodIds[descriptor.Id] = folder;
        return descriptor.IsImplemented
            ? new MethodEntry(name, descriptor, PluginStatus.Loaded, null, () => (IMethod)Activator.CreateInstance(type)!)
            : new MethodEntry(name, descriptor, PluginStatus.NotImplemented, "declared not implemented", null);
    }

    private static string FirstLine(string text) => text.Split('\n')[0].Trim();
}
