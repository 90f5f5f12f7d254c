namespace AlpacaFarm.TestPlugins.Dependency;

/// <summary>A base class the MissingDependency plugin's method derives from, so loading its types needs this assembly.</summary>
public abstract class DependencyBase
{
}
