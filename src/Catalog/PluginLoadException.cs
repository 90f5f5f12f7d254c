namespace AlpacaFarm.Catalog;

/// <summary>Why a plugin or method cannot be used, in one line.</summary>
public sealed class PluginLoadException(string message, PluginStatus status = PluginStatus.Malfunctioned) : Exception(message)
{
    public PluginStatus Status { get; } = status;
}
