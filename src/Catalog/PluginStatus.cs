namespace AlpacaFarm.Catalog;

/// <summary>What the catalog made of a plugin or method.</summary>
public enum PluginStatus
{
    /// <summary>Loaded and runnable.</summary>
    Loaded,
    /// <summary>Loaded, but the method declares itself not implemented: listed, never run.</summary>
    NotImplemented,
    /// <summary>Built for another contract version.</summary>
    Incompatible,
    /// <summary>Broken: manifest, assembly, types or constructor.</summary>
    Malfunctioned,
}
