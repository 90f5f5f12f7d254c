using System.Reflection;
using System.Runtime.Loader;
using AlpacaFarm.Abstractions.Methods;

namespace AlpacaFarm.Worker;

/// <summary>
/// Loads a plugin's entry assembly into the worker's one load context: the contract, the SDK and TorchSharp resolve to the
/// worker's own copies (so the plugin's types are the worker's), the plugin's private dependencies from its folder.
/// </summary>
internal static class PluginAssembly
{
    /// <summary>A fresh instance of every public method type with a parameterless constructor, in type-name order.</summary>
    public static IReadOnlyList<IMethod> Methods(string assemblyPath)
    {
        var resolver = new AssemblyDependencyResolver(assemblyPath);
        AssemblyLoadContext.Default.Resolving += (context, name) =>
            resolver.ResolveAssemblyToPath(name) is { } path ? context.LoadFromAssemblyPath(path) : null;
        AssemblyLoadContext.Default.ResolvingUnmanagedDll += (_, name) =>
            resolver.ResolveUnmanagedDllToPath(name) is { } path ? System.Runtime.InteropServices.NativeLibrary.Load(path) : IntPtr.Zero;
        var assembly = AssemblyLoadContext.Default.LoadFromAssemblyPath(Path.GetFullPath(assemblyPath));
        return [.. assembly.GetTypes()
            .Where(type => type is { IsClass: true, IsAbstract: false, IsPublic: true }
                && typeof(IMethod).IsAssignableFrom(type) && type.GetConstructor(Type.EmptyTypes) is not null)
            .OrderBy(type => type.FullName, StringComparer.Ordinal)
            .Select(type => (IMethod)Activator.CreateInstance(type)!)];
    }
}
