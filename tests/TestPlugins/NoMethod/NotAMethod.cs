namespace AlpacaFarm.TestPlugins.NoMethod;

/// <summary>The only type of this test plugin: it implements no IMethod.</summary>
public sealed class NotAMethod
{
}
